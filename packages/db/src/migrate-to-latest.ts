import { type Kysely, type Migration, Migrator, sql } from 'kysely'
import { DbError } from './db-error.js'
import { RecordMigrationProvider } from './record-migration-provider.js'
import { assertSchemaName } from './schema-name.js'
import { toDbError } from './to-db-error.js'

export type MigrateOptions = {
  /** The service's schema: its tables and its migration history live there. */
  schema: string
  migrations: Readonly<Record<string, Migration>>
}

export type MigrationSummary = {
  schema: string
  /** Names of the migrations this call applied, in order; empty when already up to date. */
  executed: string[]
}

/**
 * Brings a service's schema up to date. The schema is created first, kysely's history tables
 * live inside it (so each service has its own), and migrations run with
 * `search_path = <schema>, public`: a migration names tables without a schema.
 *
 * Two processes may call this at once (replicas starting together): kysely takes a
 * PostgreSQL advisory lock, so one applies and the other then finds nothing left to do.
 * All pending migrations run in one transaction; on failure none of them is applied.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  options: MigrateOptions,
): Promise<MigrationSummary> {
  const schema = assertSchemaName(options.schema)
  await createSchema(db, schema)
  // One connection for the whole run, so the session settings below apply to every step.
  return db.connection().execute(async (conn) => {
    await sql`select set_config('search_path', ${`${schema}, public`}, false)`.execute(conn)
    // DDL on a big table may outlast the pool's statement_timeout; migrations are awaited anyway.
    await sql`select set_config('statement_timeout', '0', false)`.execute(conn)
    try {
      const migrator = new Migrator({
        db: conn,
        provider: new RecordMigrationProvider(options.migrations),
        migrationTableSchema: schema,
      })
      const { error, results = [] } = await migrator.migrateToLatest()
      if (error !== undefined) {
        const failed = results.find((r) => r.status === 'Error')?.migrationName
        const cause = toDbError(error)
        const what = failed === undefined ? 'migrations' : `migration "${failed}"`
        throw new DbError(`${what} in schema "${schema}" failed: ${cause.message}`, {
          code: cause.code,
          retryable: cause.retryable,
          cause: error,
          ...(failed !== undefined && { migration: failed }),
        })
      }
      return { schema, executed: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) }
    } finally {
      // The connection goes back to the pool: give it back its own defaults.
      await sql`reset search_path`.execute(conn).catch(() => {})
      await sql`reset statement_timeout`.execute(conn).catch(() => {})
    }
  })
}

async function createSchema<DB>(db: Kysely<DB>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute()
  } catch (error) {
    // Two processes creating the same schema at once: the loser gets unique_violation on
    // pg_namespace even with IF NOT EXISTS. The schema exists, which is all we wanted.
    if (toDbError(error).code !== 'unique_violation') throw toDbError(error)
  }
}
