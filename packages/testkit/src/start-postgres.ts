import { startPostgresContainer } from './container-servers.js'
import { isDockerAvailable } from './docker-available.js'
import { onProcessExit, removeWhenGone } from './exit-cleanup.js'
import { freePort } from './free-port.js'
import { type LocalPostgresServer, startLocalPostgresServer } from './local-postgres-server.js'
import type { ManagedServer, PostgresHandle, RestartablePostgresHandle } from './managed-server.js'
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js'
import { createTempDir } from './temp-dir.js'

export type StartPostgresOptions = {
  /**
   * Ignore DATABASE_URL and Docker and start a private local PostgreSQL, for tests that
   * restart the server or look at its process. Needs the PostgreSQL server binaries.
   */
  restartable?: boolean
}

const ATTEMPTS = 3

/**
 * A fresh, empty database for a test, on the first of: DATABASE_URL (a server where the caller
 * may create databases; the database is dropped on stop), testcontainers when a Docker engine
 * answers, or a throwaway local PostgreSQL (its folder removed on stop).
 * Stop it in `after(() => pg.stop())`.
 */
export async function startPostgres(
  options: StartPostgresOptions & { restartable: true },
): Promise<RestartablePostgresHandle>
export async function startPostgres(options?: StartPostgresOptions): Promise<PostgresHandle>
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresHandle> {
  if (options.restartable) return onLocalServer()
  const external = process.env.DATABASE_URL
  if (external !== undefined && external !== '') {
    const database = await createScratchDatabase(external)
    return { url: database.url, stop: () => database.drop() }
  }
  if (await isDockerAvailable()) return onContainer(await startPostgresContainer())
  return onLocalServer()
}

async function onContainer(server: ManagedServer): Promise<PostgresHandle> {
  const database = await createScratchDatabase(server.url).catch(async (error: unknown) => {
    await server.stop()
    throw error
  })
  return { url: database.url, stop: () => server.stop() }
}

async function onLocalServer(): Promise<RestartablePostgresHandle> {
  const dir = await createTempDir('csms-pg')
  let server: LocalPostgresServer | undefined
  let database: ScratchDatabase | undefined
  try {
    for (let attempt = 1; server === undefined; attempt++) {
      const port = await freePort()
      // The temp folder is the data folder: initialised on the first attempt, reused by a retry.
      server = await startLocalPostgresServer({ dataDir: dir.path, port, durable: false }).catch(
        (error: unknown) => {
          if (attempt >= ATTEMPTS) throw error
          return undefined
        },
      )
    }
    database = await createScratchDatabase(server.adminUrl)
  } catch (error) {
    await server?.stop()
    await dir.remove()
    throw error
  }
  const running = server
  const forget = onProcessExit(() => removeWhenGone(running.pid, dir.path))
  return {
    url: database.url,
    get pid() {
      return running.pid
    },
    restart: () => running.restart(),
    async stop() {
      forget()
      try {
        await running.stop()
      } finally {
        await dir.remove()
      }
    },
  }
}
