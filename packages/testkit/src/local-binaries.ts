import { constants } from 'node:fs'
import { access, readdir, realpath } from 'node:fs/promises'
import { delimiter, dirname, join } from 'node:path'
import { runCommand } from './run-command.js'
import { TestkitError } from './testkit-error.js'

export type LocalBinaries = {
  natsServer: string
  /** Folder holding initdb, pg_ctl and postgres of one PostgreSQL version. */
  postgresBinDir: string
  initdb: string
  pgCtl: string
}

const INSTALL_HINT = 'install them with `apt-get install -y nats-server postgresql`'

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** An executable by name on PATH or in the sbin folders. */
export async function findExecutable(name: string): Promise<string | undefined> {
  // sbin folders are searched too: Debian puts nats-server in /usr/sbin, off a user's PATH.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']
  for (const dir of dirs.filter((d) => d !== '')) {
    const candidate = join(dir, name)
    if (await isExecutable(candidate)) return candidate
  }
  return undefined
}

/** The nats-server binary: $NATS_SERVER_BIN, then PATH. */
export async function findNatsServer(): Promise<string | undefined> {
  const fromEnv = process.env.NATS_SERVER_BIN
  if (fromEnv !== undefined && (await isExecutable(fromEnv))) return fromEnv
  return findExecutable('nats-server')
}

/**
 * The PostgreSQL server binaries: $PG_BIN_DIR, then initdb on PATH, then `pg_config --bindir`,
 * then /usr/lib/postgresql/<version>/bin, newest version first (Debian keeps initdb off PATH).
 */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const candidates: string[] = []
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR)
  const initdb = await findExecutable('initdb')
  // Resolve links such as /usr/local/bin/initdb so pg_ctl and postgres come from the same folder.
  if (initdb !== undefined) candidates.push(dirname(await realpath(initdb)))
  const pgConfig = await findExecutable('pg_config')
  if (pgConfig !== undefined) {
    try {
      candidates.push((await runCommand(pgConfig, ['--bindir'], { timeoutMs: 5_000 })).stdout.trim())
    } catch {
      // pg_config from a client-only package may point nowhere useful; keep looking.
    }
  }
  candidates.push(...(await debianVersionDirs()))
  for (const dir of candidates) {
    if ((await isExecutable(join(dir, 'initdb'))) && (await isExecutable(join(dir, 'pg_ctl')))) return dir
  }
  return undefined
}

async function debianVersionDirs(): Promise<string[]> {
  try {
    const versions = await readdir('/usr/lib/postgresql')
    return versions
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
      .map((v) => join('/usr/lib/postgresql', v, 'bin'))
  } catch {
    return []
  }
}

/** Finds both servers or throws one error naming everything that is missing. */
export async function ensureLocalBinaries(): Promise<LocalBinaries> {
  const [natsServer, postgresBinDir] = await Promise.all([findNatsServer(), findPostgresBinDir()])
  const missing = [
    natsServer === undefined ? 'nats-server' : undefined,
    postgresBinDir === undefined ? 'PostgreSQL server binaries (initdb, pg_ctl)' : undefined,
  ].filter((m) => m !== undefined)
  if (natsServer === undefined || postgresBinDir === undefined) {
    throw new TestkitError(`missing ${missing.join(' and ')}: ${INSTALL_HINT}`)
  }
  return {
    natsServer,
    postgresBinDir,
    initdb: join(postgresBinDir, 'initdb'),
    pgCtl: join(postgresBinDir, 'pg_ctl'),
  }
}

/** The nats-server path alone, with the same install hint when it is missing. */
export async function requireNatsServer(): Promise<string> {
  const path = await findNatsServer()
  if (path === undefined) throw new TestkitError(`nats-server not found: ${INSTALL_HINT}`)
  return path
}

/** The PostgreSQL binaries alone, with the same install hint when they are missing. */
export async function requirePostgresBinDir(): Promise<string> {
  const dir = await findPostgresBinDir()
  if (dir === undefined) throw new TestkitError(`PostgreSQL server binaries not found: ${INSTALL_HINT}`)
  return dir
}
