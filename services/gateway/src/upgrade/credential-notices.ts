import { credentialsChangedSubject, decodeStationId } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Admission } from './admission.js'

// Every pod hears every station's notice: one subscription per pod, like the kicks.
const NOTICE_PATTERN = credentialsChangedSubject('x').replace(/[^.]+$/, '*')
const PREFIX = NOTICE_PATTERN.slice(0, -1)

/**
 * Makes the admission cache forget a station as soon as the auth service announces that its
 * credentials, required profile or registration changed (password rotated, profile raised,
 * station deleted): the old password or a weaker profile stops opening sockets on this pod at
 * once instead of when the cached answer expires.
 *
 * Core NATS delivers a notice at most once. One published while this pod is disconnected from
 * NATS is lost, and the server does not replay it after the reconnect; the cache's expiry
 * (CSMS_GATEWAY_AUTH_CACHE_MS) bounds what it costs. To close most of that gap, the whole cache
 * is dropped whenever the connection comes back: the next upgrade of each station asks again.
 */
export function followCredentialNotices(
  nc: NatsConnection,
  admission: Admission,
  logger: Logger,
): () => void {
  const sub = nc.subscribe(NOTICE_PATTERN, {
    callback: (err, msg) => {
      if (err || !msg.subject.startsWith(PREFIX)) return
      admission.forget(decodeStationId(msg.subject.slice(PREFIX.length)))
    },
  })
  let stopped = false
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) break
      if (s.type === 'reconnect') {
        const dropped = admission.cachedStations()
        admission.clear()
        logger.info({ dropped }, 'NATS reconnected: admission cache cleared (credential notices may be lost)')
      }
    }
  })().catch((err: unknown) => logger.error({ err }, 'NATS status watch ended'))
  return () => {
    stopped = true
    sub.unsubscribe()
  }
}
