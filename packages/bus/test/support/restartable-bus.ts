import { type RestartableNatsHandle, startNats } from '@csms/testkit'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { ensureStreams } from '../../src/index.js'

export type RestartableBus = { nats: RestartableNatsHandle; nc: NatsConnection; stop(): Promise<void> }

/**
 * A private nats-server a test may stop and restart (its JetStream store is kept), the
 * platform's streams, and a connection that reconnects for as long as the server is away.
 */
export async function startRestartableBus(): Promise<RestartableBus> {
  const nats = await startNats({ restartable: true })
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
  await ensureStreams(await jetstreamManager(nc))
  return {
    nats,
    nc,
    async stop() {
      await nc.close()
      await nats.stop()
    },
  }
}

/** Resolves at the connection's next status event of this type ('disconnect', 'reconnect'). */
export async function nextStatus(nc: NatsConnection, type: 'disconnect' | 'reconnect'): Promise<void> {
  for await (const s of nc.status()) if (s.type === type) return
}
