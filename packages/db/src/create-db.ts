import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { DbError } from './db-error.js'
import { assertSchemaName } from './schema-name.js'
import { toDbError } from './to-db-error.js'

export type CreateDbOptions = {
  url: string
  /** Connections in the pool; default 10. */
  poolSize?: number
  /** Shown in pg_stat_activity, so a DBA can tell the services apart. */
  applicationName?: string
  /** Server-side limit per statement; default 30 s. 0 turns it off. */
  statementTimeoutMs?: number
  /** How long to wait for a connection (new or from the pool); default 5 s. */
  connectionTimeoutMs?: number
  /** Idle connections are closed after this; default 30 s. */
  idleTimeoutMs?: number
  /**
   * The service's own schema: every connection gets `search_path = <schema>, public`, so
   * queries name tables without a schema and land in the service's tables.
   */
  schema?: string
  /**
   * Errors of idle connections (a server restart drops them all). The pool has already
   * discarded the connection; this is for logging. Without a listener they are ignored.
   */
  onPoolError?: (error: DbError) => void
}

const DEFAULTS = {
  poolSize: 10,
  statementTimeoutMs: 30_000,
  connectionTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
}

/** A Kysely instance over a pg pool. Close it with `closeDb` when the service drains. */
export function createDb<Schema>(options: CreateDbOptions): Kysely<Schema> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULTS.poolSize,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    ...(options.applicationName !== undefined && { application_name: options.applicationName }),
    ...(options.schema !== undefined && {
      options: `-c search_path=${assertSchemaName(options.schema)},public`,
    }),
  })
  // An idle connection that dies emits 'error' on the pool; unheard, that would crash the
  // process, on every PostgreSQL restart or failover.
  pool.on('error', (error) => options.onPoolError?.(toDbError(error)))
  // A checked-out connection that dies between two queries of a transaction emits 'error' on
  // the client, where the pool listens only while it is idle; the next query fails instead.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) })
}

/** Waits for running queries, then closes every connection of the pool. */
export async function closeDb<DB>(db: Kysely<DB>): Promise<void> {
  await db.destroy()
}
