import { byteSize, durationMs, type Env, loadConfig } from '@csms/config'
import { z } from 'zod'
import type { StreamOptions } from './events.js'

/**
 * The platform's JetStream streams as the environment sizes them. Every service creates or
 * updates the streams at start (`ensureStreams`), so every service reads the same variables: set
 * them once for the whole deployment (the chart's shared environment), never per service, or the
 * last service to start wins. The environment is the source of truth: a limit changed by hand
 * with the nats CLI is put back at the next start.
 */
export const StreamSettingsSchema = z.object({
  /** Copies of each stream on a NATS cluster: 3 in production, 1 on a single server. */
  CSMS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** CSMS_EVENTS (evt.>): domain facts older than this are dropped. */
  CSMS_EVENTS_MAX_AGE: durationMs().default(7 * 86_400_000),
  /**
   * CSMS_EVENTS's size cap: when full the oldest facts go, so publishing never fails for space
   * (a refused fact would fail the station's TransactionEvent). JetStream reserves it up front
   * from the server's storage. 50,000 stations sending a meter update every 10 s publish ~3 MB/s
   * of facts (2 GiB is then 11 minutes): size it for how long a consumer may be down.
   */
  CSMS_EVENTS_MAX_BYTES: byteSize().default(2 * 1024 ** 3),
  /** OCPP_MESSAGES (log.ocpp.>): how far back a station's frames can be replayed. */
  CSMS_MESSAGE_LOG_MAX_AGE: durationMs().default(86_400_000),
  CSMS_MESSAGE_LOG_MAX_BYTES: byteSize().default(1024 ** 3),
})

export function readStreamSettings(env: Env = process.env): StreamOptions {
  const c = loadConfig(StreamSettingsSchema, env)
  return {
    replicas: c.CSMS_STREAM_REPLICAS,
    eventsMaxAgeMs: c.CSMS_EVENTS_MAX_AGE,
    eventsMaxBytes: c.CSMS_EVENTS_MAX_BYTES,
    messageLogMaxAgeMs: c.CSMS_MESSAGE_LOG_MAX_AGE,
    messageLogMaxBytes: c.CSMS_MESSAGE_LOG_MAX_BYTES,
  }
}
