import { defineHandler, eventSubject, publishEvent } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { EvNeeds } from '../balancer/evse-electrical.js'
import type { BalancerPort } from '../balancer/leader-link.js'
import type { SessionRepo } from '../repo/session-repo.js'

export type EvChargingDeps = {
  sessions: SessionRepo
  balancer: BalancerPort
  js: JetStreamClient
  logger: Logger
}

/**
 * NotifyEVChargingNeeds (K15, K17): the EV's energy, limits and departure over ISO 15118. For
 * a balanced EVSE the answer is Accepted and a TxProfile follows from the recomputation;
 * elsewhere Rejected (no schedule will come from the CSMS). Published for the V2G service.
 */
export function createNotifyEvChargingNeedsHandlers(deps: EvChargingDeps) {
  const make = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyEVChargingNeeds',
      async handle({ stationId, payload }) {
        await deps.sessions.saveNeeds(
          stationId,
          payload.evseId,
          version,
          payload as unknown as Record<string, unknown>,
          new Date(),
        )
        const result = await deps.balancer.onNeeds(
          stationId,
          payload.evseId,
          payload.chargingNeeds as unknown as EvNeeds,
        )
        await publishEvent(deps.js, eventSubject('smart-charging', 'ev-needs', stationId), {
          type: 'smart-charging.ev-needs',
          stationId,
          time: new Date().toISOString(),
          data: {
            stationId,
            evseId: payload.evseId,
            version,
            chargingNeeds: payload.chargingNeeds,
            deadlineFeasible: result.feasible ?? null,
          },
        }).catch((error) => deps.logger.warn({ err: error }, 'EV needs event not published'))
        return { status: result.balanced ? ('Accepted' as const) : ('Rejected' as const) }
      },
    })
  return [make('v201'), make('v21')]
}
