import { type Kysely, sql } from 'kysely'
import { createMeterValues } from './0001-transactions.js'

// A database migrated with the first cut of 0001 (development only: it never shipped) has one
// meter_values row per sampled value and a plain unique index on (station_id, legacy_key).
// Bring it to the layout 0001 creates now. On a database created by the current 0001 this
// finds nothing to do.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql`
    select 1 from information_schema.columns
    where table_schema = current_schema() and table_name = 'meter_values' and column_name = 'measurand'`.execute(
    db,
  )
  if (rows.length === 0) return
  // Development data of the first cut: dropped with its partitions, recreated at the next start.
  await sql`drop table meter_values cascade`.execute(db)
  await createMeterValues(db)
  await sql`alter table transactions drop constraint if exists transactions_legacy_key_uq`.execute(db)
  await sql`create unique index if not exists transactions_legacy_key_uq on transactions (station_id, legacy_key)
    where legacy_key is not null`.execute(db)
  await sql`alter table transactions set (fillfactor = 50)`.execute(db)
}

export async function down(): Promise<void> {
  // Nothing to undo: 0001's down drops everything.
}
