import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every certificate the CSMS CA issued, and whether the station installed it.
  await db.schema
    .createTable('issued_certificates')
    .addColumn('serial_number', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('certificate_type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('pem', 'text', (c) => c.notNull())
    .addColumn('delivery_status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('issued_certificates_station')
    .on('issued_certificates')
    .column('station_id')
    .execute()
  // What each station last reported through GetInstalledCertificateIds.
  await db.schema
    .createTable('station_certificates')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('certificate_type', 'text', (c) => c.notNull())
    .addColumn('hash_algorithm', 'text', (c) => c.notNull())
    .addColumn('issuer_name_hash', 'text', (c) => c.notNull())
    .addColumn('issuer_key_hash', 'text', (c) => c.notNull())
    .addColumn('serial_number', 'text', (c) => c.notNull())
    .addColumn('child_certificates', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('station_certificates_pk', [
      'station_id',
      'hash_algorithm',
      'issuer_name_hash',
      'issuer_key_hash',
      'serial_number',
    ])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('station_certificates').execute()
  await db.schema.dropTable('issued_certificates').execute()
}
