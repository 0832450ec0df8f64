import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from './free-port.js'
import { type ProcessHandle, spawnProcess } from './spawn-process.js'
import { waitFor } from './wait-for.js'

export const PLATFORM_SERVICES = [
  'auth',
  'device-management',
  'transaction',
  'smart-charging',
  'v2g',
  'gateway',
  'api',
] as const
export type PlatformService = (typeof PLATFORM_SERVICES)[number]

/**
 * Node flags a service runs with, here and in production (the container command: Node refuses
 * --single-threaded-gc in NODE_OPTIONS).
 * transaction: meter values wait for their group commit longer than a 16 MiB young generation
 * lasts at thousands of messages a second, so they were promoted and left to full collections;
 * 32 MiB semi-spaces cut its CPU per message by ~15 %, 64 MiB by ~10 % more; 128 MiB measured
 * no better (services/transaction/BENCHMARKS.md). The young generation may then use up to 192 MiB.
 * gateway: V8's collector threads beside the one JavaScript thread cost more CPU than they
 * saved on the pod's shared cores; collecting on the main thread alone took the CPU per CALL
 * from 1.95x the bare server to 1.73x, and the Heartbeat p99 at 19,000 stations from 9.1 to
 * 7.8 ms, in alternated rounds (services/gateway/BENCHMARKS.md, "Collector threads").
 */
export const SERVICE_NODE_FLAGS: Readonly<Partial<Record<PlatformService, readonly string[]>>> = {
  transaction: ['--max-semi-space-size=64'],
  gateway: ['--single-threaded-gc'],
}

export type PlatformOptions = {
  /** Repository root (the folder with services/). */
  root: string
  natsUrl: string
  databaseUrl: string
  host?: string
  gatewayPort: number
  apiPort: number
  apiToken: string
  /** Extra environment for every service. */
  env?: Record<string, string>
  /** Ops ports (/metrics, /healthz) from here upwards; 0 picks free ports. */
  opsPortBase?: number
  silent?: boolean
  /** Every service in its own process group (see SpawnProcessOptions); `./dev up` sets it. */
  ownProcessGroup?: boolean
  readyTimeoutMs?: number
}

export type Platform = {
  gatewayUrl: string
  apiUrl: string
  processes: ReadonlyMap<PlatformService, ProcessHandle>
  /** Where each service serves /metrics, /healthz and /readyz. */
  opsPorts: ReadonlyMap<PlatformService, number>
  stop(): Promise<void>
}

/**
 * Starts the whole platform the way `./dev up` does: migrations first, then every service as
 * its own Node process with its log prefixed, and resolves once the API's /readyz says every
 * service is ready.
 */
export async function startPlatform(o: PlatformOptions): Promise<Platform> {
  const host = o.host ?? '127.0.0.1'
  const processes = new Map<PlatformService, ProcessHandle>()
  const opsPorts = new Map<PlatformService, number>()
  const exited = new Set<PlatformService>()
  const entry = (service: PlatformService, file: string) =>
    join(o.root, 'services', service, 'dist', 'src', file)
  const common = { NATS_URL: o.natsUrl, DATABASE_URL: o.databaseUrl, CSMS_API_TOKEN: o.apiToken, ...o.env }

  // Every service that owns tables ships dist/src/migrate.js; those run before anything starts.
  for (const service of PLATFORM_SERVICES.filter((s) => existsSync(entry(s, 'migrate.js')))) {
    const migration = await spawnProcess({
      name: `${service}:migrate`,
      command: process.execPath,
      args: ['--enable-source-maps', entry(service, 'migrate.js')],
      env: common,
      ...(o.silent === undefined ? {} : { silent: o.silent }),
      ...(o.ownProcessGroup === undefined ? {} : { ownProcessGroup: o.ownProcessGroup }),
    })
    const code = await migration.exited
    if (code !== 0) throw new Error(`${service} migrations failed:\n${migration.recentOutput().join('\n')}`)
  }

  const stop = async () => {
    // The gateway first (it drains sockets), the API last (operators see the end).
    const order = [...PLATFORM_SERVICES].reverse()
    for (const service of ['gateway', ...order.filter((s) => s !== 'gateway')] as PlatformService[]) {
      await processes.get(service)?.stop('SIGTERM', 15_000)
    }
  }
  try {
    let port = o.opsPortBase ?? 0
    for (const service of PLATFORM_SERVICES) {
      const opsPort = port === 0 ? await freePort(host) : port++
      opsPorts.set(service, opsPort)
      const env: Record<string, string> = {
        ...common,
        CSMS_OPS_HOST: host,
        CSMS_OPS_PORT: String(opsPort),
        CSMS_GATEWAY_HOST: host,
        CSMS_GATEWAY_PORT: String(o.gatewayPort),
        CSMS_API_HOST: host,
        CSMS_API_PORT: String(o.apiPort),
      }
      const handle = await spawnProcess({
        name: service,
        command: process.execPath,
        args: ['--enable-source-maps', ...(SERVICE_NODE_FLAGS[service] ?? []), entry(service, 'main.js')],
        env,
        ...(o.silent === undefined ? {} : { silent: o.silent }),
        ...(o.ownProcessGroup === undefined ? {} : { ownProcessGroup: o.ownProcessGroup }),
      })
      processes.set(service, handle)
      void handle.exited.then(() => exited.add(service))
    }
    const apiUrl = `http://${host}:${o.apiPort}`
    await waitFor(
      async () => {
        for (const name of exited) {
          const p = processes.get(name) as ProcessHandle
          throw new Error(`${name} exited during start:\n${p.recentOutput().join('\n')}`)
        }
        const res = await fetch(`${apiUrl}/readyz`).catch(() => undefined)
        return res?.status === 200
      },
      {
        timeoutMs: o.readyTimeoutMs ?? 60_000,
        intervalMs: 200,
        description: 'every service ready (GET /readyz)',
      },
    )
    return { gatewayUrl: `ws://${host}:${o.gatewayPort}/ocpp`, apiUrl, processes, opsPorts, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
