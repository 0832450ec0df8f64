import { DiscardPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { encodeJson } from './nats-payload.js'
import { EVENTS_STREAM, EVENTS_SUBJECTS, MESSAGE_LOG_STREAM } from './subjects.js'

/** The envelope of every domain event on CSMS_EVENTS. */
export type DomainEvent<T = unknown> = {
  type: string
  stationId?: string
  time: string
  data: T
}

export type StreamOptions = {
  /** Replicas per stream: 1 locally, 3 on a NATS cluster. */
  replicas?: number
  eventsMaxAgeMs?: number
  eventsMaxBytes?: number
  messageLogMaxAgeMs?: number
  messageLogMaxBytes?: number
}

const NS_PER_MS = 1_000_000

/**
 * Creates (or updates) the platform's streams; every service calls it at start, with
 * `readStreamSettings()`. Both are bounded by age and by bytes and drop their oldest messages
 * when full (`DiscardPolicy.Old`): a full stream never refuses a publish.
 */
export async function ensureStreams(jsm: JetStreamManager, opts: StreamOptions = {}): Promise<void> {
  const replicas = opts.replicas ?? 1
  await upsert(jsm, {
    name: EVENTS_STREAM,
    subjects: [EVENTS_SUBJECTS],
    max_age: (opts.eventsMaxAgeMs ?? 7 * 24 * 3600_000) * NS_PER_MS,
    max_bytes: opts.eventsMaxBytes ?? 2 * 1024 ** 3,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    duplicate_window: 120_000 * NS_PER_MS,
  })
  await upsert(jsm, {
    name: MESSAGE_LOG_STREAM,
    subjects: ['log.ocpp.>'],
    max_age: (opts.messageLogMaxAgeMs ?? 24 * 3600_000) * NS_PER_MS,
    max_bytes: opts.messageLogMaxBytes ?? 1024 ** 3,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
  })
}

type StreamConfig = Parameters<JetStreamManager['streams']['add']>[0]

async function upsert(jsm: JetStreamManager, config: StreamConfig): Promise<void> {
  try {
    try {
      await jsm.streams.info(config.name as string)
      await jsm.streams.update(config.name as string, config)
    } catch (error) {
      if (!String((error as Error).message).includes('not found')) throw error
      await jsm.streams.add(config)
    }
  } catch (error) {
    // JetStream reserves a stream's max_bytes up front, out of the server's max_file_store.
    if (!String((error as Error).message).includes('insufficient storage')) throw error
    throw new Error(
      `JetStream cannot reserve ${config.max_bytes} bytes for stream ${config.name}: lower ` +
        'CSMS_EVENTS_MAX_BYTES / CSMS_MESSAGE_LOG_MAX_BYTES, or give JetStream more storage (max_file_store)',
      { cause: error },
    )
  }
}

/**
 * Publishes a domain event and waits for JetStream's ack. `dedupeId` lets JetStream drop a
 * second publish of the same fact (a station retrying a message) within the duplicate window.
 */
export async function publishEvent(
  js: JetStreamClient,
  subject: string,
  event: DomainEvent,
  dedupeId?: string,
): Promise<void> {
  await js.publish(subject, encodeJson(event), dedupeId === undefined ? {} : { msgID: dedupeId })
}
