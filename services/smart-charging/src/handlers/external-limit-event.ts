import { eventSubject, publishEvent } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { BalancerPort } from '../balancer/leader-link.js'
import type { ProfileRepo } from '../repo/profile-repo.js'

export type ChargingLimitDeps = {
  profiles: ProfileRepo
  balancer: BalancerPort
  js: JetStreamClient
  logger: Logger
}

/** evt.smart-charging.external-limit.<station>: a limit set or released by an EMS or the grid operator. */
export async function publishExternalLimit(
  deps: ChargingLimitDeps,
  stationId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await publishEvent(deps.js, eventSubject('smart-charging', 'external-limit', stationId), {
    type: 'smart-charging.external-limit',
    stationId,
    time: new Date().toISOString(),
    data: { stationId, ...data },
  }).catch((error) => deps.logger.warn({ err: error }, 'external limit event not published'))
}
