import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import {
  freePort,
  type Platform,
  type ProcessHandle,
  SERVICE_NODE_FLAGS,
  spawnProcess,
  startNats,
  startPlatform,
  startPostgres,
  waitFor,
} from '@csms/testkit'

export type BenchPlatform = {
  /** One gateway URL per gateway process. */
  gatewayUrls: string[]
  apiUrl: string
  token: string
  platform: Platform
  gateways: ProcessHandle[]
  stop(): Promise<void>
}

const root = resolve(import.meta.dirname, '../../../../..')

/**
 * The whole platform as separate processes (testkit's startPlatform), with `gateways - 1` more
 * gateway processes on the same NATS: each holds under 20,000 sockets here, so a 50,000-station
 * fleet needs three.
 */
export async function startBenchPlatform(
  o: { gateways?: number; env?: Record<string, string>; silent?: boolean } = {},
): Promise<BenchPlatform> {
  const nats = await startNats()
  const pg = await startPostgres()
  const token = randomBytes(24).toString('base64url')
  const env = { CSMS_ALLOW_UNKNOWN_STATIONS: 'true', LOG_LEVEL: 'warn', ...o.env }
  const extra: ProcessHandle[] = []
  let platform: Platform | undefined
  const stop = async () => {
    for (const g of extra) await g.stop('SIGTERM', 15_000)
    await platform?.stop()
    await pg.stop()
    await nats.stop()
  }
  try {
    platform = await startPlatform({
      root,
      natsUrl: nats.url,
      databaseUrl: pg.url,
      gatewayPort: await freePort(),
      apiPort: await freePort(),
      apiToken: token,
      silent: o.silent ?? process.env.SIM_LOGS !== '1',
      env,
    })
    const urls = [platform.gatewayUrl]
    for (let i = 1; i < (o.gateways ?? 1); i++) {
      const port = await freePort()
      const opsPort = await freePort()
      const handle = await spawnProcess({
        name: `gateway-${i + 1}`,
        command: process.execPath,
        // As startPlatform runs the first gateway: with the flags production passes.
        args: [
          '--enable-source-maps',
          ...(SERVICE_NODE_FLAGS.gateway ?? []),
          resolve(root, 'services/gateway/dist/src/main.js'),
        ],
        env: {
          ...env,
          NATS_URL: nats.url,
          DATABASE_URL: pg.url,
          CSMS_API_TOKEN: token,
          CSMS_GATEWAY_HOST: '127.0.0.1',
          CSMS_GATEWAY_PORT: String(port),
          CSMS_GATEWAY_ID: `bench-gateway-${i + 1}`,
          CSMS_OPS_HOST: '127.0.0.1',
          CSMS_OPS_PORT: String(opsPort),
        },
        silent: o.silent ?? process.env.SIM_LOGS !== '1',
      })
      extra.push(handle)
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${opsPort}/readyz`).catch(() => undefined))?.status === 200,
        {
          timeoutMs: 60_000,
          intervalMs: 200,
          description: `gateway ${i + 1} ready`,
        },
      )
      urls.push(`ws://127.0.0.1:${port}/ocpp`)
    }
    return { gatewayUrls: urls, apiUrl: platform.apiUrl, token, platform, gateways: extra, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
