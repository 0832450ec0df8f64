import type { Kysely } from 'kysely'
import type { TransactionDb } from './tables.js'
import { type ReservationRow, toReservationView } from './views.js'

/** Reservations made with ReserveNow, moved on by the station, the operator, a session or time. */
export function createReservationQueries(db: Kysely<TransactionDb>) {
  return {
    async recordReservation(r: {
      stationId: string
      reservationId: number
      protocol: string
      evseId: number | null
      idToken: string
      idTokenType: string | null
      groupIdToken: string | null
      expiresAt: string
      status: string
    }): Promise<void> {
      const set = {
        protocol: r.protocol,
        evse_id: r.evseId,
        id_token: r.idToken,
        id_token_type: r.idTokenType,
        group_id_token: r.groupIdToken,
        expires_at: r.expiresAt,
        status: r.status,
        transaction_id: null,
        updated_at: new Date(),
      }
      await db
        .insertInto('reservations')
        .values({ station_id: r.stationId, reservation_id: r.reservationId, ...set })
        .onConflict((oc) => oc.columns(['station_id', 'reservation_id']).doUpdateSet(set))
        .execute()
    },

    /** Moves a reservation on, unless it already ended (used, cancelled, expired, removed). */
    async setReservationStatus(stationId: string, reservationId: number, status: string) {
      const row = await db
        .updateTable('reservations')
        .set({ status, updated_at: new Date() })
        .where('station_id', '=', stationId)
        .where('reservation_id', '=', reservationId)
        .where('status', 'in', ['requested', 'active'])
        .returningAll()
        .executeTakeFirst()
      return row ? toReservationView(row as ReservationRow) : null
    },

    /** Reservations whose expiry passed without the station saying so. */
    async expireDue(now: Date) {
      const expired = await db
        .updateTable('reservations')
        .set({ status: 'expired', updated_at: now })
        .where('status', '=', 'active')
        .where('expires_at', '<=', now)
        .returningAll()
        .execute()
      return expired.map((r) => toReservationView(r as ReservationRow))
    },

    async listReservations(stationId: string, status?: string) {
      let q = db
        .selectFrom('reservations')
        .selectAll()
        .where('station_id', '=', stationId)
        .orderBy('reservation_id')
      if (status !== undefined) q = q.where('status', '=', status)
      return (await q.execute()).map((r) => toReservationView(r as ReservationRow))
    },
  }
}
