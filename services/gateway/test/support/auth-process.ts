import { existsSync } from 'node:fs'
import { freePort, type ProcessHandle, spawnProcess, waitFor } from '@csms/testkit'
import { AUTH_MAIN } from './paths.js'

/**
 * The real auth service as its own process (services must not import each other): it stores
 * station credentials hashed in PostgreSQL and answers the gateway's admission RPC.
 */
export async function startAuthProcess(natsUrl: string, databaseUrl: string): Promise<ProcessHandle> {
  if (!existsSync(AUTH_MAIN))
    throw new Error(`${AUTH_MAIN} is missing: build the workspace first (pnpm build)`)
  const opsPort = await freePort()
  const handle = await spawnProcess({
    name: 'auth',
    command: process.execPath,
    args: ['--enable-source-maps', AUTH_MAIN],
    env: {
      NATS_URL: natsUrl,
      DATABASE_URL: databaseUrl,
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_OPS_PORT: String(opsPort),
    },
    silent: process.env.CSMS_TEST_VERBOSE !== '1',
  })
  const exited = new AbortController()
  void handle.exited.then(() =>
    exited.abort(new Error(`auth exited early:\n${handle.recentOutput().join('\n')}`)),
  )
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      description: 'auth service ready',
      signal: exited.signal,
    })
  } catch (error) {
    await handle.stop('SIGKILL')
    throw error
  }
  return handle
}
