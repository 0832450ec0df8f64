import { mkdir } from 'node:fs/promises'
import { requireNatsServer } from './local-binaries.js'
import type { LocalServer } from './managed-server.js'
import { probeNats } from './nats-probe.js'
import { type ProcessHandle, spawnProcess } from './spawn-process.js'
import { formatOutputTail, TestkitError } from './testkit-error.js'
import { waitFor } from './wait-for.js'

export type LocalNatsServerOptions = {
  host: string
  port: number
  /** JetStream is on when a store folder is given, and its streams survive restarts there. */
  storeDir?: string
  /** Print the server's log lines as `[logPrefix] …`; without it the server stays quiet. */
  logPrefix?: string
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number
  /** See SpawnProcessOptions: Ctrl-C reaches only this process, which stops the server. */
  ownProcessGroup?: boolean
}

export type LocalNatsServer = LocalServer

/**
 * Runs the local `nats-server` binary as a child process and resolves once it accepts
 * connections (with JetStream ready when asked). It is killed if this process exits.
 */
export async function startLocalNatsServer(options: LocalNatsServerOptions): Promise<LocalNatsServer> {
  const { host, port, storeDir, logPrefix, startTimeoutMs = 15_000, ownProcessGroup = false } = options
  const binary = await requireNatsServer()
  if (storeDir !== undefined) await mkdir(storeDir, { recursive: true })
  const args = ['--addr', host, '--port', String(port), '--name', `csms-${port}`]
  if (storeDir !== undefined) args.push('--jetstream', '--store_dir', storeDir)

  const launch = async (): Promise<ProcessHandle> => {
    const child = await spawnProcess({
      name: logPrefix ?? `nats:${port}`,
      command: binary,
      args,
      silent: logPrefix === undefined,
      ownProcessGroup,
    })
    try {
      await untilReady(child, host, port, storeDir !== undefined, startTimeoutMs)
      return child
    } catch (error) {
      await child.stop('SIGKILL')
      throw error
    }
  }

  let child = await launch()
  let stopped = false
  return {
    url: `nats://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    get pid() {
      return child.pid
    },
    async stop() {
      stopped = true
      await child.stop('SIGTERM', 5_000)
    },
    async restart() {
      if (stopped) throw new TestkitError(`nats-server on port ${port} was stopped; it cannot restart`)
      await child.stop('SIGTERM', 5_000)
      child = await launch()
    },
  }
}

async function untilReady(
  child: ProcessHandle,
  host: string,
  port: number,
  jetstream: boolean,
  timeoutMs: number,
): Promise<void> {
  const probeHost = host === '0.0.0.0' ? '127.0.0.1' : host
  // A server that dies (port taken, bad store folder) ends the wait at once, not at the timeout.
  const died = new AbortController()
  void child.exited.then((code) => died.abort(new Error(`nats-server exited with code ${code}`)))
  try {
    await waitFor(
      async () => {
        const info = await probeNats(probeHost, port)
        // INFO advertises jetstream only once JetStream is up, so this is a real readiness check.
        return !jetstream || info.jetstream === true
      },
      { timeoutMs, intervalMs: 50, description: `nats-server on ${host}:${port}`, signal: died.signal },
    )
  } catch (error) {
    const output = formatOutputTail(child.recentOutput())
    throw new TestkitError(`${(error as Error).message}; its output:\n${output}`, { cause: error })
  }
}
