import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // The new password sent to a station; valid beside the old one until the station confirms it.
  await db.schema.alterTable('station_credentials').addColumn('pending_password_hash', 'text').execute()
  await db.schema.alterTable('station_credentials').addColumn('pending_since', 'timestamptz').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('station_credentials').dropColumn('pending_since').execute()
  await db.schema.alterTable('station_credentials').dropColumn('pending_password_hash').execute()
}
