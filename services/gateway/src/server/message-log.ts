import { createWireWriter, messageLogSubject, type WireMessage } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/transport-node'
import type { StationFacts } from '../session/session-context.js'

/**
 * How long entries wait to be published together: one socket write for many frames, and a CALL
 * and its answer in one message even when the owning service takes a few milliseconds. 20 ms
 * against 5 took a third off the log's CPU per CALL in the closed loop (BENCHMARKS.md); a
 * gateway that crashes loses what waits either way (core publishes).
 */
const FLUSH_MS = 20

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

/** One frame of the log: `{ at, direction, frame }` as JSON, written out by hand. */
export function formatFrameEntry(at: string, direction: 'in' | 'out', frame: string): string {
  return `{"at":"${at}","direction":"${direction}","frame":${JSON.stringify(frame)}}`
}

/**
 * The start of a log message: the connection's facts, then the frames array that its entries
 * (frame entries joined by commas) and `]}` complete. Made once per connection (`headOf` in
 * createMessageLog): building and serialising an object per frame cost more than publishing it.
 */
export function logMessageHead(gatewayId: string, station: StationFacts): string {
  return (
    `{"stationId":${JSON.stringify(station.stationId)},"protocol":${JSON.stringify(station.protocol)},` +
    `"gatewayId":${JSON.stringify(gatewayId)},"connectionId":${JSON.stringify(station.connectionId)},` +
    `"frames":[`
  )
}

/** A message of the log, as an operator's replay reads it (`formatLogMessage` writes it). */
export type LogMessage = {
  stationId: string
  protocol: string
  gatewayId: string
  connectionId: string
  frames: Array<{ at: string; direction: 'in' | 'out'; frame: string }>
}

/** One message of the log: the connection's facts once, then its frames in the order they passed. */
export function formatLogMessage(gatewayId: string, station: StationFacts, entries: string): string {
  return `${logMessageHead(gatewayId, station)}${entries}]}`
}

/** A station's entries are published before they grow past this, well under NATS's max_payload. */
const GROUP_BYTES = 64 * 1024

/** Messages are written to nats.js in buffers of about this size (held ones come back all at once). */
const WRITE_BYTES = 1024 * 1024

/** Entries held while NATS is down, at most: beyond it the oldest go (counted, and logged). */
const MAX_HELD_BYTES = 64 * 1024 * 1024

/**
 * Every frame in and out, with station id, direction and time, onto log.ocpp.<station>, which
 * the JetStream stream OCPP_MESSAGES (bounded retention, created by ensureStreams) keeps, so an
 * operator replays one station by its subject. Frames wait up to FLUSH_MS and leave as one
 * NATS message per connection (`formatLogMessage`), in the order they passed: a CALL and its
 * answer usually share a message. A NATS message per frame was a fifth of the gateway's CPU
 * per CALL. Core publishes, not acknowledged ones: a JetStream round trip per message would
 * double the work per CALL. nats.js drops what is published while it is disconnected, so from
 * a disconnect to the reconnect the messages are held here (up to MAX_HELD_BYTES) and published
 * after it; only what was written in the instant before the disconnect was noticed is lost.
 */
export function createMessageLog(nc: NatsConnection, gatewayId: string, logger: Logger) {
  const wire = createWireWriter(nc)
  // Subject and message head per connection, made when it first logs: a few hundred bytes per
  // station, gone with its facts object.
  const heads = new WeakMap<StationFacts, { subject: string; head: string }>()
  const headOf = (station: StationFacts) => {
    let h = heads.get(station)
    if (h === undefined) {
      h = { subject: messageLogSubject(station.stationId), head: logMessageHead(gatewayId, station) }
      heads.set(station, h)
    }
    return h
  }
  let pending = new Map<StationFacts, string>()
  let timer: NodeJS.Timeout | undefined
  let connected = true
  let held: Array<{ station: StationFacts; entries: string }> = []
  let heldBytes = 0
  let dropped = 0
  const write = (messages: WireMessage[]) => {
    try {
      // A frame larger than NATS's max_payload (the gateway's frame limit can be set above it).
      for (const e of wire.publishAll(messages))
        logger.warn({ subject: e.subject, bytes: e.bytes }, 'frames not logged: larger than NATS max_payload')
    } catch (error) {
      logger.warn({ err: error, messages: messages.length }, 'frames not logged')
    }
  }
  /** One buffer and one socket write per WRITE_BYTES of messages (createWireWriter). */
  const send = (batch: ReadonlyArray<readonly [StationFacts, string]>) => {
    let messages: WireMessage[] = []
    let bytes = 0
    for (const [station, entries] of batch) {
      const { subject, head } = headOf(station)
      messages.push({ subject, payload: `${head}${entries}]}` })
      bytes += entries.length
      if (bytes < WRITE_BYTES) continue
      write(messages)
      messages = []
      bytes = 0
    }
    if (messages.length > 0) write(messages)
  }
  const publish = (batch: ReadonlyArray<readonly [StationFacts, string]>) => {
    if (connected) return send(batch)
    for (const [station, entries] of batch) {
      held.push({ station, entries })
      heldBytes += entries.length
    }
    while (heldBytes > MAX_HELD_BYTES && held.length > 1) {
      heldBytes -= held.shift()?.entries.length ?? 0
      dropped++
    }
  }
  const flush = () => {
    timer = undefined
    const batch = pending
    pending = new Map()
    if (batch.size > 0) publish([...batch])
  }
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false
      if (s.type !== 'reconnect') continue
      connected = true
      const waiting = held
      held = []
      heldBytes = 0
      if (dropped > 0)
        logger.warn({ messages: dropped }, 'message log: oldest messages dropped while NATS was down')
      dropped = 0
      send(waiting.map((h) => [h.station, h.entries] as const))
    }
  })()
  const clock = isoClock()
  const log = (station: StationFacts, direction: 'in' | 'out', frame: string): void => {
    const entry = formatFrameEntry(clock(), direction, frame)
    const before = pending.get(station)
    if (before === undefined) pending.set(station, entry)
    else if (before.length + entry.length < GROUP_BYTES) pending.set(station, `${before},${entry}`)
    else {
      publish([[station, before]])
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
