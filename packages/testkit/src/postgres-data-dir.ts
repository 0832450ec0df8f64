import { existsSync, readFileSync } from 'node:fs'
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PostgresOsUser } from './postgres-os-user.js'
import { TestkitError } from './testkit-error.js'

// Our settings live in their own file so a reused data folder gets the port of this run.
const RUNTIME_CONF = 'csms-runtime.conf'
export const POSTGRES_LOG_FILE = 'csms-postgres.log'

export type RuntimeSettings = {
  host: string
  port: number
  socketDir: string
  /** false turns fsync off: right for throwaway test data, wrong for data you keep. */
  durable: boolean
}

/** 'empty' needs initdb, 'initialized' is reused as it is. */
export async function inspectDataDir(dataDir: string): Promise<'empty' | 'initialized'> {
  await mkdir(dataDir, { recursive: true })
  if (existsSync(join(dataDir, 'PG_VERSION'))) return 'initialized'
  const entries = await readdir(dataDir)
  if (entries.length === 0) return 'empty'
  throw new TestkitError(
    `${dataDir} is neither empty nor a PostgreSQL data folder (no PG_VERSION): refusing to touch it`,
  )
}

/** Makes postgresql.conf read our runtime file; done once, right after initdb. */
export async function includeRuntimeConf(dataDir: string): Promise<void> {
  await appendFile(join(dataDir, 'postgresql.conf'), `\ninclude_if_exists = '${RUNTIME_CONF}'\n`)
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** Rewrites the settings this run needs: where to listen and, for test data, speed over safety. */
export async function writeRuntimeConf(
  dataDir: string,
  settings: RuntimeSettings,
  osUser: PostgresOsUser,
): Promise<void> {
  const lines = [
    '# Written by @csms/testkit before every start; edits here are overwritten.',
    `listen_addresses = ${quote(settings.host)}`,
    `port = ${settings.port}`,
    `unix_socket_directories = ${quote(settings.socketDir)}`,
    // Seven services with pools of ten plus tests exceed the default of 100.
    'max_connections = 200',
  ]
  if (!settings.durable) {
    lines.push('fsync = off', 'synchronous_commit = off', 'full_page_writes = off', "shared_buffers = '32MB'")
  }
  const path = join(dataDir, RUNTIME_CONF)
  await writeFile(path, `${lines.join('\n')}\n`)
  await osUser.own(path)
}

/** The postmaster's pid from postmaster.pid, read synchronously so exit cleanup can use it. */
export function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const first = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? ''
    const pid = Number.parseInt(first, 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** The last lines of the server log, for an error message. */
export function readLogTail(dataDir: string, maxLines = 30): string[] {
  try {
    return readFileSync(join(dataDir, POSTGRES_LOG_FILE), 'utf8').trimEnd().split('\n').slice(-maxLines)
  } catch {
    return []
  }
}
