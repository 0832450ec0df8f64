import { randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import pg from 'pg'

export type ScratchDatabase = {
  /** The admin URL pointed at the new database. */
  readonly url: string
  readonly name: string
  /** Drops the database, ending any connection still open to it. Safe to call twice. */
  drop(): Promise<void>
}

/** Replaces the database part of a postgres:// URL, keeping user, host and query. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

// 42501: a session the role may not end (an autovacuum worker, when the role lacks
// pg_signal_backend); 55006: the database is being accessed by other users.
const TRANSIENT = new Set(['42501', '55006'])

/**
 * WITH (FORCE) (PostgreSQL 13+) ends sessions a test forgot to close. A session it may not end
 * is an autovacuum worker, which finishes within moments, so the drop is retried for a while.
 */
async function dropWithRetry(client: pg.Client, name: string): Promise<void> {
  const sql = `drop database if exists ${client.escapeIdentifier(name)} with (force)`
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(sql)
      return
    } catch (error) {
      const code = (error as { code?: string }).code
      if (attempt >= 50 || !code || !TRANSIENT.has(code)) throw error
      await delay(100)
    }
  }
}

/**
 * Creates a new, uniquely named, empty database on the server behind `adminUrl` (whose role may
 * create databases) so that every test gets a database of its own on a shared server.
 */
export async function createScratchDatabase(
  adminUrl: string,
  prefix = 'csms_test',
): Promise<ScratchDatabase> {
  // Lower-case letters and digits only: no quoting surprises, and within the 63-byte limit.
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  await withAdmin(adminUrl, (client) => client.query(`create database ${client.escapeIdentifier(name)}`))
  let dropped = false
  return {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      if (dropped) return
      dropped = true
      await withAdmin(adminUrl, (client) => dropWithRetry(client, name))
    },
  }
}
