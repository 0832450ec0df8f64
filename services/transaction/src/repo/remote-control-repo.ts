import { type Kysely, sql } from 'kysely'
import type { TransactionDb } from './tables.js'

/** Remote starts (linked to the session that follows) and remote stops, as the station answered them. */
export function createRemoteControlQueries(db: Kysely<TransactionDb>) {
  return {
    async recordRemoteStart(r: {
      stationId: string
      remoteStartId: number | null
      protocol: string
      evseId: number | null
      idToken: string
      idTokenType: string | null
      status: string
      transactionId: string | null
    }): Promise<string> {
      const values = {
        station_id: r.stationId,
        remote_start_id: r.remoteStartId,
        protocol: r.protocol,
        evse_id: r.evseId,
        id_token: r.idToken,
        id_token_type: r.idTokenType,
        status: r.status,
        transaction_id: r.transactionId,
      }
      const { id } = await db
        .insertInto('remote_starts')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['station_id', 'remote_start_id']).doUpdateSet({
            status: r.status,
            evse_id: r.evseId,
            id_token: r.idToken,
            id_token_type: r.idTokenType,
            ...(r.transactionId === null ? {} : { transaction_id: r.transactionId }),
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow()
      // The TransactionEvent naming this remoteStartId may have been applied before the
      // station's answer got here: link from the session's side too.
      if (r.remoteStartId !== null) {
        await sql`
          update remote_starts r set transaction_id = t.transaction_id, linked_at = now()
          from transactions t
          where r.station_id = ${r.stationId} and r.remote_start_id = ${r.remoteStartId} and r.transaction_id is null
            and t.station_id = ${r.stationId} and t.remote_start_id = ${r.remoteStartId}`.execute(db)
      }
      return id
    },

    /** The station's answer to a remote start recorded (by row id) before it was sent. */
    async setRemoteStartStatus(id: string, status: string, transactionId: string | null): Promise<void> {
      await db
        .updateTable('remote_starts')
        .set({ status, ...(transactionId === null ? {} : { transaction_id: transactionId }) })
        .where('id', '=', id as never)
        .execute()
    },

    /** 1.6 has no remoteStartId: the StartTransaction that follows an accepted remote start links to it. */
    async linkLegacyRemoteStart(stationId: string, evseId: number, idTag: string, transactionId: string) {
      await sql`
        update remote_starts set transaction_id = ${transactionId}, linked_at = now()
        where id = (
          select id from remote_starts
          where station_id = ${stationId} and remote_start_id is null and transaction_id is null
            and status in ('Accepted', 'Requested') and lower(id_token) = lower(${idTag})
            and (evse_id is null or evse_id = ${evseId}) and requested_at > now() - interval '15 minutes'
          order by requested_at desc limit 1)`.execute(db)
    },

    async recordRemoteStop(stationId: string, transactionId: string, status: string): Promise<void> {
      await db
        .updateTable('transactions')
        .set({ remote_stop_requested_at: new Date(), remote_stop_status: status, updated_at: new Date() })
        .where('station_id', '=', stationId)
        .where('transaction_id', '=', transactionId)
        .execute()
    },

    async nextRemoteStartId(): Promise<number> {
      // The 1.6 id sequence is an integer sequence too; sharing it keeps both unique per CSMS.
      const { rows: r } = await sql<{
        id: number
      }>`select nextval('legacy_transaction_id_seq')::int as id`.execute(db)
      return (r[0] as { id: number }).id
    },
  }
}
