import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'

/**
 * Connects to NATS and keeps reconnecting forever: a NATS restart must not take a service down,
 * in-flight requests fail with a timeout and stations retry.
 */
export async function connectBus(opts: {
  url: string
  name: string
  logger?: Logger
}): Promise<NatsConnection> {
  const nc = await connect({
    servers: opts.url.split(','),
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
    waitOnFirstConnect: true,
  })
  if (opts.logger) {
    const logger = opts.logger
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
          logger.warn({ nats: s.type }, `nats ${s.type}`)
        }
      }
    })()
  }
  return nc
}
