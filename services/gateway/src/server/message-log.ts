import { messageLogSubject } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
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

/** A station's entries are published before they grow past this, well under NATS's max_payload. */
const GROUP_BYTES = 64 * 1024

/**
 * Every frame in and out, with station id, direction and time, onto log.ocpp.<station>, which
 * the JetStream stream OCPP_MESSAGES (bounded retention, created by ensureStreams) keeps, so an
 * operator replays one station by its subject. Entries wait a few milliseconds and leave as one
 * NATS message per station, one JSON entry per line, in the order the frames passed: a CALL and
 * its answer usually share a message. A NATS message per frame was a fifth of the gateway's CPU
 * per CALL. Core publishes, not acknowledged ones: a JetStream round trip per message would
 * double the work per CALL; the NATS client buffers publishes across a reconnect.
 */
export function createMessageLog(nc: NatsConnection, gatewayId: string, logger: Logger) {
  let pending = new Map<StationFacts, string>()
  let timer: NodeJS.Timeout | undefined
  const publish = (station: StationFacts, lines: string) => {
    try {
      nc.publish(messageLogSubject(station.stationId), lines)
    } catch (error) {
      // A frame larger than NATS's max_payload (the gateway's frame limit can be set above it).
      logger.warn({ err: error, stationId: station.stationId, bytes: lines.length }, 'frame not logged')
    }
  }
  const flush = () => {
    timer = undefined
    const batch = pending
    pending = new Map()
    for (const [station, lines] of batch) publish(station, lines)
  }
  const clock = isoClock()
  const log = (station: StationFacts, direction: 'in' | 'out', frame: string): void => {
    const entry = formatLogEntry(clock(), gatewayId, station, direction, frame)
    const before = pending.get(station)
    if (before === undefined) pending.set(station, entry)
    else if (before.length + entry.length < GROUP_BYTES) pending.set(station, `${before}\n${entry}`)
    else {
      publish(station, before)
      pending.set(station, entry)
    }
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
