import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per token value and type: the same string may be an RFID UID and a PIN.
  await db.schema
    .createTable('id_tokens')
    .addColumn('id_token', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // No default: a token without a status is never accepted (PITFALLS.md).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('group_id_token', 'text')
    .addColumn('group_type', 'text')
    .addColumn('language1', 'text')
    .addColumn('language2', 'text')
    .addColumn('charging_priority', 'smallint')
    .addColumn('evse_ids', sql`integer[]`)
    .addColumn('station_ids', sql`text[]`)
    .addColumn('personal_message', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('id_tokens_pk', ['id_token', 'type'])
    .execute()
  await db.schema
    .createIndex('id_tokens_group')
    .on('id_tokens')
    .columns(['group_id_token', 'group_type'])
    .where(sql.ref('group_id_token'), 'is not', null)
    .execute()

  // What auth knows per station: its free-vend policy and the protocol of its last connection.
  await db.schema
    .createTable('station_auth')
    .addColumn('station_id', 'text', (c) => c.primaryKey())
    .addColumn('accept_unknown_id_tokens', 'boolean')
    .addColumn('protocol', 'text')
    .addColumn('connected_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('station_auth').execute()
  await db.schema.dropTable('id_tokens').execute()
}
