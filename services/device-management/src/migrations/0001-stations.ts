import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registered', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('site_id', 'text')
    .addColumn('labels', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('vendor', 'text')
    .addColumn('model', 'text')
    .addColumn('serial_number', 'text')
    .addColumn('firmware_version', 'text')
    .addColumn('boot_reason', 'text')
    .addColumn('registration_status', 'text')
    .addColumn('last_boot_at', 'timestamptz')
    .addColumn('protocol', 'text')
    .addColumn('connected', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('connection_id', 'text')
    .addColumn('gateway_id', 'text')
    .addColumn('connected_at', 'timestamptz')
    .addColumn('disconnected_at', 'timestamptz')
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('stations_site_idx').on('stations').column('site_id').execute()
  await db.schema.createIndex('stations_gateway_idx').on('stations').column('gateway_id').execute()

  await db.schema
    .createTable('connector_status')
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id').onDelete('cascade'))
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('connector_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('connector_status_pk', ['station_id', 'evse_id', 'connector_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connector_status').execute()
  await db.schema.dropTable('stations').execute()
}
