import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { freePort, type Platform, startNats, startPlatform, startPostgres } from '@csms/testkit'

export type E2ePlatform = Platform & {
  token: string
  /** The database every service uses, for tests that check what was stored. */
  databaseUrl: string
  /** The platform's NATS, for tests that talk to the services on the bus. */
  natsUrl: string
  api(path: string, init?: RequestInit): Promise<Response>
}

/** The platform as separate processes on free ports, with its own NATS and database. */
export async function startE2ePlatform(env: Record<string, string> = {}): Promise<E2ePlatform> {
  const nats = await startNats()
  const pg = await startPostgres().catch(async (error: unknown) => {
    await nats.stop()
    throw error
  })
  const token = randomBytes(24).toString('base64url')
  try {
    const platform = await startPlatform({
      root: resolve(import.meta.dirname, '../../..'),
      natsUrl: nats.url,
      databaseUrl: pg.url,
      gatewayPort: await freePort(),
      apiPort: await freePort(),
      apiToken: token,
      silent: process.env.E2E_LOGS !== '1',
      env: {
        CSMS_ALLOW_UNKNOWN_STATIONS: 'true',
        CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS: 'true',
        LOG_LEVEL: 'warn',
        ...env,
      },
    })
    return {
      ...platform,
      token,
      databaseUrl: pg.url,
      natsUrl: nats.url,
      api: (path, init = {}) =>
        fetch(`${platform.apiUrl}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        }),
      async stop() {
        // Every part is stopped even when an earlier one fails, so a failing test leaves no
        // process behind to hold the test runner open; the first failure is reported.
        const results = await Promise.allSettled([platform.stop()])
        results.push(...(await Promise.allSettled([pg.stop(), nats.stop()])))
        const failed = results.find((r) => r.status === 'rejected')
        if (failed) throw failed.reason
      },
    }
  } catch (error) {
    await pg.stop()
    await nats.stop()
    throw error
  }
}
