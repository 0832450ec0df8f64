import { type Kysely, sql } from 'kysely'

// Monitors a station holds, the events it notified (NotifyEvent) and its security events.
// Events are unique per station, event id and timestamp, so a retried message is stored once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_monitors')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('monitor_id', 'integer', (c) => c.notNull())
    .addColumn('component', 'jsonb', (c) => c.notNull())
    .addColumn('variable', 'jsonb', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('severity', 'integer', (c) => c.notNull())
    .addColumn('transaction', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_monitors_pk', ['station_id', 'monitor_id'])
    .execute()

  await db.schema
    .createTable('device_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'timestamptz', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('cause', 'integer')
    .addColumn('actual_value', 'text', (c) => c.notNull())
    .addColumn('tech_code', 'text')
    .addColumn('tech_info', 'text')
    .addColumn('cleared', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('transaction_id', 'text')
    .addColumn('variable_monitoring_id', 'integer')
    .addColumn('event_notification_type', 'text', (c) => c.notNull())
    .addColumn('severity', 'integer')
    .addColumn('component', 'jsonb', (c) => c.notNull())
    .addColumn('variable', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('device_events_identity', ['station_id', 'event_id', 'timestamp'])
    .execute()
  await db.schema
    .createIndex('device_events_station_idx')
    .on('device_events')
    .columns(['station_id', 'id'])
    .execute()

  await db.schema
    .createTable('security_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'timestamptz', (c) => c.notNull())
    .addColumn('tech_info', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('security_events_identity', ['station_id', 'type', 'timestamp'])
    .execute()
  await db.schema
    .createIndex('security_events_station_idx')
    .on('security_events')
    .columns(['station_id', 'id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_events').execute()
  await db.schema.dropTable('device_events').execute()
  await db.schema.dropTable('device_monitors').execute()
}
