import { startNatsContainer } from './container-servers.js'
import { isDockerAvailable } from './docker-available.js'
import { onProcessExit, removeWhenGone } from './exit-cleanup.js'
import { freePort } from './free-port.js'
import { startLocalNatsServer } from './local-nats-server.js'
import type { NatsHandle, RestartableNatsHandle } from './managed-server.js'
import { createTempDir } from './temp-dir.js'

export type StartNatsOptions = {
  /** JetStream on (the default) or off. Ignored when NATS_URL points at a server. */
  jetstream?: boolean
  /**
   * Ignore NATS_URL and Docker and start a private local nats-server, for tests that restart
   * the server or look at its process. Needs the nats-server binary.
   */
  restartable?: boolean
}

// A free port can be taken between asking and binding; a new port on retry settles it.
const ATTEMPTS = 3

/**
 * A real NATS server for a test, from the first of: NATS_URL (shared, never stopped here),
 * testcontainers when a Docker engine answers, the local nats-server binary. Stop it in
 * `after(() => nats.stop())`.
 */
export async function startNats(
  options: StartNatsOptions & { restartable: true },
): Promise<RestartableNatsHandle>
export async function startNats(options?: StartNatsOptions): Promise<NatsHandle>
export async function startNats(options: StartNatsOptions = {}): Promise<NatsHandle> {
  const jetstream = options.jetstream ?? true
  if (options.restartable) return startLocal(jetstream)
  const external = process.env.NATS_URL
  if (external !== undefined && external !== '') {
    return { url: external, stop: async () => {} }
  }
  if (await isDockerAvailable()) return startNatsContainer({ jetstream })
  return startLocal(jetstream)
}

async function startLocal(jetstream: boolean): Promise<RestartableNatsHandle> {
  const dir = await createTempDir('csms-nats')
  const storeDir = jetstream ? dir.path : undefined
  const logPrefix = process.env.CSMS_TESTKIT_VERBOSE === '1' ? 'nats' : undefined
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      const server = await startLocalNatsServer({
        host: '127.0.0.1',
        port,
        ...(storeDir !== undefined && { storeDir }),
        ...(logPrefix !== undefined && { logPrefix }),
      })
      const forget = onProcessExit(() => removeWhenGone(server.pid, dir.path))
      return {
        url: server.url,
        get pid() {
          return server.pid
        },
        restart: () => server.restart(),
        async stop() {
          forget()
          try {
            await server.stop()
          } finally {
            await dir.remove()
          }
        },
      }
    } catch (error) {
      if (attempt >= ATTEMPTS) {
        await dir.remove()
        throw error
      }
    }
  }
}
