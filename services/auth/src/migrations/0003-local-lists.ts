import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Orders changes so that a sync marks as sent only what it actually sent.
  await sql`create sequence local_list_change_seq`.execute(db)
  await db.schema
    .createTable('local_lists')
    .addColumn('station_id', 'text', (c) => c.primaryKey())
    .addColumn('synced_version', 'integer', (c) => c.notNull().defaultTo(0))
    // A lease, not a transaction, keeps two replicas from syncing one station at once.
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_sync_at', 'timestamptz')
    .addColumn('last_sync_status', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // A removed entry stays as a tombstone until the station confirmed its removal.
  await db.schema
    .createTable('local_list_entries')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('id_token', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('removed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('pending', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('local_list_entries_pk', ['station_id', 'id_token', 'type'])
    .execute()
  await db.schema
    .createIndex('local_list_entries_by_token')
    .on('local_list_entries')
    .columns(['id_token', 'type'])
    .execute()
  await db.schema
    .createIndex('local_list_entries_pending')
    .on('local_list_entries')
    .column('station_id')
    .where(sql.ref('pending'), '=', true)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('local_list_entries').execute()
  await db.schema.dropTable('local_lists').execute()
  await sql`drop sequence local_list_change_seq`.execute(db)
}
