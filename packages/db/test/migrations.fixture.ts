import { type Kysely, type Migration, sql } from 'kysely'

// Test migrations written the way services write theirs: tables named without a schema.
// `db` is typed Kysely<any> in kysely's own Migration type; these only use the schema builder.
export const itemsMigrations: Record<string, Migration> = {
  '001_create_items': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text')
        .execute()
    },
  },
  '002_create_owners': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('owners')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute()
      await db.schema
        .alterTable('items')
        .addForeignKeyConstraint('items_owner_fk', ['owner_id'], 'owners', ['id'])
        .execute()
    },
  },
  '003_count_runs': {
    // A side effect that shows how often the migration ran: exactly once, whoever runs it.
    async up(db: Kysely<unknown>) {
      await sql`create table runs (migration text not null)`.execute(db)
      await sql`insert into runs values ('003_count_runs')`.execute(db)
    },
  },
}

export type ItemsSchema = {
  items: { id: string; owner_id: string | null }
  owners: { id: string }
  runs: { migration: string }
}
