import type { NatsConnection } from '@nats-io/nats-core'
import { decodeJson } from './nats-payload.js'
import { pingSubject, type ServiceName } from './subjects.js'

/** Asks one replica of each service whether it is ready; a missing service is not ready. */
export async function servicesReady(
  nc: NatsConnection,
  services: readonly ServiceName[],
  timeoutMs = 1_000,
): Promise<Record<string, boolean>> {
  const answers = await Promise.all(
    services.map(async (service) => {
      try {
        const msg = await nc.request(pingSubject(service), undefined, { timeout: timeoutMs })
        return [service, (decodeJson(msg.data) as { ready?: boolean }).ready === true] as const
      } catch {
        return [service, false] as const
      }
    }),
  )
  return Object.fromEntries(answers)
}
