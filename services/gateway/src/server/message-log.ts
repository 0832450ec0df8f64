import { messageLogSubject } from '@csms/bus'
import type { NatsConnection } from '@nats-io/transport-node'
import type { StationFacts } from '../session/session-context.js'

/** How long entries wait to be published together: one socket write for many frames. */
const FLUSH_MS = 5

/**
 * Every frame in and out, with station id, direction and time, onto log.ocpp.<station>.<dir>,
 * which the JetStream stream OCPP_MESSAGES (bounded retention, created by ensureStreams) keeps.
 * One NATS message per frame, published in batches every few milliseconds: a socket write per
 * frame was a fifth of the gateway's CPU per CALL. Core publishes, not acknowledged ones: a
 * JetStream round trip per frame would double the work per CALL; the NATS client buffers
 * publishes across a reconnect.
 */
export function createMessageLog(nc: NatsConnection, gatewayId: string) {
  let pending: Array<[subject: string, entry: string]> = []
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    timer = undefined
    const batch = pending
    pending = []
    for (const [subject, entry] of batch) nc.publish(subject, entry)
  }
  const log = (station: StationFacts, direction: 'in' | 'out', frame: string): void => {
    const entry = {
      at: new Date().toISOString(),
      stationId: station.stationId,
      direction,
      protocol: station.protocol,
      gatewayId,
      connectionId: station.connectionId,
      frame,
    }
    pending.push([messageLogSubject(station.stationId, direction), JSON.stringify(entry)])
    timer ??= setTimeout(flush, FLUSH_MS)
  }
  /** Publishes what waits now (on drain, before NATS closes). */
  log.flush = () => {
    clearTimeout(timer)
    flush()
  }
  return log
}

export type MessageLog = ReturnType<typeof createMessageLog>
