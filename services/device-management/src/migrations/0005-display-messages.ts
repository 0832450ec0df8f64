import { type Kysely, sql } from 'kysely'

/** Display messages a station holds, as set by the CSMS or reported by NotifyDisplayMessages. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('display_messages')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'integer', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('start_date_time', 'timestamptz')
    .addColumn('end_date_time', 'timestamptz')
    .addColumn('transaction_id', 'text')
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('display', 'jsonb')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('display_messages_pk', ['station_id', 'message_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('display_messages').execute()
}
