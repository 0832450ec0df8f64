import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { freePort, type Platform, startNats, startPlatform, startPostgres } from '@csms/testkit'

export type RunningPlatform = Platform & {
  natsUrl: string
  databaseUrl: string
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
  stopAll(): Promise<void>
}

/** The whole platform as separate processes (gateway, services, API) on free ports. */
export async function startWholePlatform(env: Record<string, string> = {}): Promise<RunningPlatform> {
  const [nats, pg] = await Promise.all([startNats(), startPostgres()])
  const token = randomBytes(24).toString('base64url')
  try {
    const platform = await startPlatform({
      root: resolve(import.meta.dirname, '../../../../..'),
      natsUrl: nats.url,
      databaseUrl: pg.url,
      gatewayPort: await freePort(),
      apiPort: await freePort(),
      apiToken: token,
      silent: process.env.E2E_LOGS !== '1',
      readyTimeoutMs: 90_000,
      env: { CSMS_ALLOW_UNKNOWN_STATIONS: 'true', LOG_LEVEL: 'warn', ...env },
    })
    return {
      ...platform,
      natsUrl: nats.url,
      databaseUrl: pg.url,
      async api<T>(method: string, path: string, body?: unknown) {
        const res = await fetch(`${platform.apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        const text = await res.text()
        return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T }
      },
      async stopAll() {
        await platform.stop()
        await Promise.all([pg.stop(), nats.stop()])
      },
    }
  } catch (error) {
    await Promise.all([pg.stop(), nats.stop()])
    throw error
  }
}
