import { type Kysely, sql } from 'kysely'

// Transactions are keyed by the station's own id (2.0.1 transactionId, or the integer the CSMS
// gave a 1.6 StartTransaction) and carry their folded state as a jsonb document; the columns
// beside it are projections for queries. Meter values are one row per sampled value, in a
// table partitioned by day on the time they were sampled (see repo/partitions.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence legacy_transaction_id_seq as integer start 1`.execute(db)
  await db.schema
    .createTable('transactions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('active', 'ended')`))
    .addColumn('evse_id', 'integer')
    .addColumn('started_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    // When the session began as far as we know: its Started, or its earliest event until then.
    .addColumn('sort_at', 'timestamptz', (c) => c.notNull())
    .addColumn('energy_wh', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('id_token', 'text')
    .addColumn('remote_start_id', 'integer')
    .addColumn('total_cost', 'numeric(14, 2)')
    // 1.6: what makes a retried StartTransaction the same one (connector, time, idTag, meterStart).
    .addColumn('legacy_key', 'text')
    .addColumn('remote_stop_requested_at', 'timestamptz')
    .addColumn('remote_stop_status', 'text')
    .addColumn('doc', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('transactions_station_tx_uq', ['station_id', 'transaction_id'])
    .execute()
  // Partial, so the planner never takes it for a (station_id, transaction_id) lookup.
  await sql`create unique index transactions_legacy_key_uq on transactions (station_id, legacy_key)
    where legacy_key is not null`.execute(db)
  // Room on each page for the next version of a row: a session is rewritten on every event, and
  // with free space (and no indexed column changed) PostgreSQL updates it in place (HOT),
  // without touching the six indexes.
  await sql`alter table transactions set (fillfactor = 50)`.execute(db)
  await sql`create index transactions_sort_idx on transactions (sort_at desc, id desc)`.execute(db)
  await sql`create index transactions_station_sort_idx on transactions (station_id, sort_at desc, id desc)`.execute(
    db,
  )
  await sql`create index transactions_active_idx on transactions (station_id, evse_id) where state = 'active'`.execute(
    db,
  )

  await createMeterValues(db)

  await db.schema
    .createTable('remote_starts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('station_id', 'text', (c) => c.notNull())
    // 2.0.1 remoteStartId; null for a 1.6 RemoteStartTransaction, which has none.
    .addColumn('remote_start_id', 'integer')
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer')
    .addColumn('id_token', 'text', (c) => c.notNull())
    .addColumn('id_token_type', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('linked_at', 'timestamptz')
    .addUniqueConstraint('remote_starts_station_id_uq', ['station_id', 'remote_start_id'])
    .execute()

  await db.schema
    .createTable('reservations')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('reservation_id', 'integer', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer')
    .addColumn('id_token', 'text', (c) => c.notNull())
    .addColumn('id_token_type', 'text')
    .addColumn('group_id_token', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reservations_pk', ['station_id', 'reservation_id'])
    .execute()
  await sql`create index reservations_expiry_idx on reservations (expires_at) where status = 'active'`.execute(
    db,
  )

  await db.schema
    .createTable('tariffs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('group', 'site', 'default')`))
    .addColumn('scope_key', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('price_per_kwh', 'double precision', (c) => c.notNull())
    .addColumn('price_per_minute', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('tariffs_scope_uq', ['scope', 'scope_key'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tariffs', 'reservations', 'remote_starts', 'meter_values', 'transactions']) {
    await db.schema.dropTable(table).execute()
  }
  await sql`drop sequence legacy_transaction_id_seq`.execute(db)
}

/**
 * meter_values: one row per instant a station sampled (a MeterValueType), its sampled values in
 * `samples`. Also used by 0002 to replace the first-cut layout in databases that have it.
 */
export async function createMeterValues(db: Kysely<unknown>): Promise<void> {
  // One row per instant a station sampled (a MeterValueType): its sampled values, every
  // measurand, phase, location, context, unit and multiplier as sent plus the value scaled to its
  // base unit, in `samples` (see repo/meter-rows.ts for the layout). A 10-value message is one row
  // and one index entry, not ten. `register_wh` is the billing register of the instant, if any.
  await sql`
    create table meter_values (
      sampled_at timestamptz not null,
      station_id text not null,
      evse_id integer not null,
      tx_id bigint,
      seq_no bigint,
      register_wh double precision,
      digest bigint not null,
      samples jsonb not null
    ) partition by range (sampled_at)`.execute(db)
  // The hot path reads a session's rows; the unique index drops a MeterValues (or 1.6) message
  // that arrives twice. TransactionEvent rows are deduplicated by seqNo instead, so they skip
  // that index (seq_no is set) and cost one index entry, not two.
  await sql`create index meter_values_tx_idx on meter_values (tx_id, sampled_at) where tx_id is not null`.execute(
    db,
  )
  await sql`
    create unique index meter_values_sample_uq on meter_values (station_id, evse_id, sampled_at, digest)
    where seq_no is null`.execute(db)
  // Catches readings outside every daily partition (a station clock years off): never lost.
  await sql`create table meter_values_default partition of meter_values default`.execute(db)
}
