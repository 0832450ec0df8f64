import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { isProcessAlive } from './exit-cleanup.js'
import { includeRuntimeConf, POSTGRES_LOG_FILE, readLogTail, readPostmasterPid } from './postgres-data-dir.js'
import type { PostgresOsUser } from './postgres-os-user.js'
import { runCommand } from './run-command.js'
import { formatOutputTail, TestkitError } from './testkit-error.js'
import { waitFor } from './wait-for.js'

export type PgCtl = {
  /** initdb into `dir` (created and given to the postgres user), plus our runtime include. */
  initdb(dir: string, durable: boolean): Promise<void>
  /** `pg_ctl start -w`; resolves with the postmaster's pid once it accepts connections. */
  start(): Promise<number>
  /** `pg_ctl stop -m fast -w`; resolves once the postmaster `pid` has exited. */
  stop(pid: number): Promise<void>
}

/** PostgreSQL's own programs for one data folder, run as the user PostgreSQL requires. */
export function createPgCtl(o: {
  binDir: string
  osUser: PostgresOsUser
  dataDir: string
  where: string
}): PgCtl {
  const { binDir, osUser, dataDir, where } = o
  const run = (program: string, args: readonly string[]) => {
    const wrapped = osUser.command(join(binDir, program), args)
    // cwd '/' because the postgres user may not be allowed into the caller's folder.
    return runCommand(wrapped.command, wrapped.args, { cwd: '/' })
  }
  return {
    async initdb(dir, durable) {
      await mkdir(dir, { recursive: true })
      await osUser.own(dir)
      const auth = ['-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256']
      await run('initdb', ['-D', dir, ...auth, '-E', 'UTF8', '--locale=C', ...(durable ? [] : ['--no-sync'])])
      await includeRuntimeConf(dir)
    },
    async start() {
      // -l sends the server's output to a file: otherwise the daemon would inherit our pipes
      // and runCommand would never see them close.
      const log = join(dataDir, POSTGRES_LOG_FILE)
      try {
        await run('pg_ctl', ['start', '-D', dataDir, '-l', log, '-w', '-t', '60'])
      } catch (error) {
        const tail = formatOutputTail(readLogTail(dataDir))
        throw new TestkitError(`PostgreSQL did not start on ${where}; its log:\n${tail}`, { cause: error })
      }
      const pid = readPostmasterPid(dataDir)
      if (pid === undefined)
        throw new TestkitError(`PostgreSQL started but ${dataDir}/postmaster.pid is unreadable`)
      return pid
    },
    async stop(pid) {
      await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']).catch((error: unknown) => {
        if (isProcessAlive(pid)) throw error
      })
      // pg_ctl returns when the pid file is gone; the process itself may need a moment more.
      await waitFor(() => !isProcessAlive(pid), {
        timeoutMs: 10_000,
        description: `postmaster ${pid} to exit`,
      })
    },
  }
}
