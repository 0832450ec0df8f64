import { messageLogSubject } from '@csms/bus'
import type { NatsConnection } from '@nats-io/transport-node'
import type { StationFacts } from '../session/session-context.js'

/** How long entries wait to be published together: one socket write for many frames. */
const FLUSH_MS = 5

/** The time as an ISO 8601 string, formatted once per millisecond however many frames share it. */
export function isoClock(now: () => number = Date.now): () => string {
  let ms = Number.NaN
  let iso = ''
  return () => {
    const t = now()
    if (t !== ms) {
      ms = t
      iso = new Date(t).toISOString()
    }
    return iso
  }
}

/**
 * The JSON of { at, stationId, direction, protocol, gatewayId, connectionId, frame }, written out
 * by hand: building and serialising an object per frame cost more than publishing it.
 */
export function formatLogEntry(
  at: string,
  gatewayId: string,
  station: StationFacts,
  direction: 'in' | 'out',
  frame: string,
): string {
  return (
    `{"at":"${at}","stationId":${JSON.stringify(station.stationId)},"direction":"${direction}",` +
    `"protocol":${JSON.stringify(station.protocol)},"gatewayId":${JSON.stringify(gatewayId)},` +
    `"connectionId":${JSON.stringify(station.connectionId)},"frame":${JSON.stringify(frame)}}`
  )
}

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
  const clock = isoClock()
  const log = (station: StationFacts, direction: 'in' | 'out', frame: string): void => {
    const entry = formatLogEntry(clock(), gatewayId, station, direction, frame)
    pending.push([messageLogSubject(station.stationId, direction), entry])
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
