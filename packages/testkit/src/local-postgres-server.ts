import { join } from 'node:path'
import { isProcessAlive, killQuietly, onProcessExit } from './exit-cleanup.js'
import { requirePostgresBinDir } from './local-binaries.js'
import type { LocalServer } from './managed-server.js'
import { createPgCtl } from './pg-ctl.js'
import { bootstrapRoleAndDatabase } from './postgres-bootstrap.js'
import { inspectDataDir, readPostmasterPid, writeRuntimeConf } from './postgres-data-dir.js'
import { type PostgresOsUser, resolvePostgresOsUser } from './postgres-os-user.js'
import { initFromTemplate } from './postgres-template.js'
import { runCommand } from './run-command.js'
import { createTempDir, type TempDir } from './temp-dir.js'
import { TestkitError } from './testkit-error.js'

export type LocalPostgresServerOptions = {
  /** Initialised when empty, reused as it is otherwise: data survives between runs. */
  dataDir: string
  port: number
  host?: string
  /** The platform's role and database, created on first start (password auth over TCP). */
  user?: string
  password?: string
  database?: string
  /**
   * false is for data you can lose: fsync off, and a new folder is copied from a template
   * initialised once per machine instead of running initdb. Defaults to true.
   */
  durable?: boolean
}

export type LocalPostgresServer = LocalServer & {
  /** A URL whose role may create databases (it connects to the `postgres` database). */
  readonly adminUrl: string
}

// A unix socket path longer than this does not fit in sockaddr_un (108 bytes on Linux).
const MAX_SOCKET_PATH = 100

/**
 * Runs PostgreSQL from the local binaries with pg_ctl on `dataDir`, listening on host:port and
 * on a unix socket of its own. Stops with `pg_ctl stop -m fast`; if this process dies first,
 * an exit hook asks the postmaster to shut down fast, so no server outlives its owner.
 */
export async function startLocalPostgresServer(
  options: LocalPostgresServerOptions,
): Promise<LocalPostgresServer> {
  const { dataDir, port, host = '127.0.0.1', user = 'csms', password = 'csms', database = 'csms' } = options
  const durable = options.durable ?? true
  const binDir = await requirePostgresBinDir()
  const osUser = await resolvePostgresOsUser()
  const pgCtl = createPgCtl({ binDir, osUser, dataDir, where: `${host}:${port}` })

  const state = await inspectDataDir(dataDir)
  await osUser.reach(dataDir)
  await osUser.own(dataDir)
  if (state === 'empty' && durable) await pgCtl.initdb(dataDir, true)
  if (state === 'empty' && !durable) {
    // -a keeps the postgres user's ownership and the 0700 modes PostgreSQL insists on.
    const copy = (from: string, to: string) => runCommand('cp', ['-a', `${from}/.`, to]).then(() => {})
    await initFromTemplate(dataDir, binDir, { initdb: (dir) => pgCtl.initdb(dir, false), copy })
  }
  const socket = await socketDirFor(dataDir, port, osUser)
  await writeRuntimeConf(dataDir, { host, port, socketDir: socket.path, durable }, osUser)

  // Registered before starting: if we die while pg_ctl waits, the server still gets stopped.
  const unregister = onProcessExit(() => {
    const pid = readPostmasterPid(dataDir)
    if (pid !== undefined) killQuietly(pid, 'SIGINT')
  })

  // A server left running by a crashed launcher holds the folder; stop it and start afresh.
  const stale = readPostmasterPid(dataDir)
  if (stale !== undefined && isProcessAlive(stale)) await pgCtl.stop(stale)

  let pid: number
  try {
    pid = await pgCtl.start()
    await bootstrapRoleAndDatabase({ socketDir: socket.path, port, user, password, database })
  } catch (error) {
    const running = readPostmasterPid(dataDir)
    if (running !== undefined) await pgCtl.stop(running).catch(() => {})
    unregister()
    await socket.remove()
    throw error
  }

  const clientHost = host === '0.0.0.0' || host === '*' ? '127.0.0.1' : host
  const base = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${clientHost}:${port}`
  let stopped = false
  return {
    url: `${base}/${encodeURIComponent(database)}`,
    adminUrl: `${base}/postgres`,
    get pid() {
      return pid
    },
    async stop() {
      if (stopped) return
      stopped = true
      try {
        await pgCtl.stop(pid)
      } finally {
        unregister()
        await socket.remove()
      }
    },
    async restart() {
      if (stopped) throw new TestkitError(`PostgreSQL on port ${port} was stopped; it cannot restart`)
      // Not `pg_ctl restart`: it has no -l, and the server would then hold our stdout pipe open.
      await pgCtl.stop(pid)
      pid = await pgCtl.start()
    },
  }
}

async function socketDirFor(dataDir: string, port: number, osUser: PostgresOsUser): Promise<TempDir> {
  if (join(dataDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH) {
    return { path: dataDir, remove: async () => {} }
  }
  const dir = await createTempDir('csms-pgsock')
  await osUser.own(dir.path)
  return dir
}
