import type { Kysely } from 'kysely'

/**
 * When a station was marked offline because its gateway pod fell silent (not because its
 * socket closed): a message from the station afterwards proves the socket is alive (the pod
 * was only cut off from NATS for a while), and brings the station back online.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stations').addColumn('gateway_lost_at', 'timestamptz').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stations').dropColumn('gateway_lost_at').execute()
}
