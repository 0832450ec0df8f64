import type { Kysely } from 'kysely'

/**
 * What kind of monitor each stored one is (CustomMonitor, PreconfiguredMonitor,
 * HardWiredMonitor), when known: SetMonitoringBase FactoryDefault and HardWiredOnly make the
 * station drop its custom monitors (N03.FR.04, N03.FR.05), and the store must follow.
 * Null: a 2.0.1 report, which does not say.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('device_monitors').addColumn('kind', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('device_monitors').dropColumn('kind').execute()
}
