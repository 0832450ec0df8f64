import { type Kysely, sql } from 'kysely'

// The OCPP 2.0.1 device model per station: one row per component variable (with its EVSE and
// connector, and its characteristics), one row per attribute (Actual, Target, MinSet, MaxSet).
// Absent instances are '' and absent EVSE / connector ids 0 (OCPP numbers them from 1), so the
// identity is a plain unique key that a batched upsert can target.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('stations')
    .addColumn('registration_policy', 'text')
    .addColumn('monitoring_base', 'text')
    .addColumn('monitoring_level', 'integer')
    .execute()
  await db.schema.createIndex('stations_model_idx').on('stations').columns(['model', 'vendor']).execute()
  await sql`CREATE INDEX stations_labels_idx ON stations USING gin (labels jsonb_path_ops)`.execute(db)

  await db.schema
    .createTable('device_variables')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('component', 'text', (c) => c.notNull())
    .addColumn('component_instance', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('evse_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('connector_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('variable', 'text', (c) => c.notNull())
    .addColumn('variable_instance', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('data_type', 'text')
    .addColumn('unit', 'text')
    .addColumn('min_limit', 'double precision')
    .addColumn('max_limit', 'double precision')
    .addColumn('values_list', 'text')
    .addColumn('supports_monitoring', 'boolean')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('device_variables_identity', [
      'station_id',
      'component',
      'component_instance',
      'evse_id',
      'connector_id',
      'variable',
      'variable_instance',
    ])
    .execute()
  // Pages of one station's model are read in id order.
  await db.schema
    .createIndex('device_variables_station_idx')
    .on('device_variables')
    .columns(['station_id', 'id'])
    .execute()

  await db.schema
    .createTable('device_variable_attributes')
    .addColumn('variable_id', 'bigint', (c) =>
      c.notNull().references('device_variables.id').onDelete('cascade'),
    )
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('mutability', 'text')
    .addColumn('persistent', 'boolean')
    .addColumn('constant', 'boolean')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('last_set_status', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_variable_attributes_pk', ['variable_id', 'type'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('device_variable_attributes').execute()
  await db.schema.dropTable('device_variables').execute()
  await db.schema.dropIndex('stations_labels_idx').execute()
  await db.schema.dropIndex('stations_model_idx').execute()
  await db.schema
    .alterTable('stations')
    .dropColumn('registration_policy')
    .dropColumn('monitoring_base')
    .dropColumn('monitoring_level')
    .execute()
}
