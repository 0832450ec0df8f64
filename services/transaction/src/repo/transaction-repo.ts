import type { TransactionDetail, TransactionView } from '@csms/bus'
import { type Kysely, sql } from 'kysely'
import type { Tariff, TariffScope } from '../domain/cost.js'
import type { TransactionDb } from './tables.js'
import {
  type MeterRowOut,
  type ReservationRow,
  type TransactionRow,
  toMeterValueView,
  toReservationView,
  toTransactionView,
} from './views.js'

// Everything but the hot path: reads for the API, 1.6 id allocation, remote starts and stops,
// reservations and tariffs. Single statements, no transaction held across awaits.

export type TransactionRepo = ReturnType<typeof createTransactionRepo>

export type ListQuery = {
  stationId?: string | undefined
  state?: 'active' | 'ended' | undefined
  from?: string | undefined
  to?: string | undefined
  limit: number
  cursor?: string | undefined
}

const ROW_COLUMNS = [
  'id',
  'station_id',
  'transaction_id',
  'protocol',
  'remote_stop_requested_at',
  'updated_at',
  'doc',
] as const

export function createTransactionRepo(db: Kysely<TransactionDb>) {
  const rows = () =>
    db
      .selectFrom('transactions')
      .select(ROW_COLUMNS)
      // A placeholder row exists only inside an uncommitted flush; never show one.
      .where(sql<boolean>`doc <> 'null'::jsonb`)

  return {
    /** Newest first (by start), keyset-paged: the cursor is the last row's (sort_at, id). */
    async list(q: ListQuery): Promise<{ transactions: TransactionView[]; next: string | null }> {
      let query = rows()
        .select('sort_at')
        .orderBy('sort_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
      if (q.stationId !== undefined) query = query.where('station_id', '=', q.stationId)
      if (q.state !== undefined) query = query.where('state', '=', q.state)
      if (q.from !== undefined) query = query.where('sort_at', '>=', new Date(q.from))
      if (q.to !== undefined) query = query.where('sort_at', '<', new Date(q.to))
      if (q.cursor !== undefined) {
        const [at, id] = decodeCursor(q.cursor)
        query = query.where(sql<boolean>`(sort_at, id) < (${new Date(at)}, ${id}::bigint)`)
      }
      const found = await query.execute()
      const page = found.slice(0, q.limit)
      const last = page.at(-1)
      return {
        transactions: page.map((r) => toTransactionView(r as TransactionRow)),
        next: found.length > q.limit && last ? encodeCursor(last.sort_at.toISOString(), last.id) : null,
      }
    },

    /** By the CSMS id, or by the station's transactionId (unique with the station id). */
    async find(id: string, stationId?: string): Promise<TransactionRow | null> {
      if (stationId !== undefined) {
        const byStation = await rows()
          .where('station_id', '=', stationId)
          .where((eb) =>
            eb.or([eb('transaction_id', '=', id), ...(isBigint(id) ? [eb('id', '=', id as never)] : [])]),
          )
          .orderBy('id')
          .executeTakeFirst()
        return (byStation as TransactionRow | undefined) ?? null
      }
      if (isBigint(id)) {
        const byId = await rows()
          .where('id', '=', id as never)
          .executeTakeFirst()
        if (byId) return byId as TransactionRow
      }
      const byTxId = await rows().where('transaction_id', '=', id).limit(2).execute()
      return byTxId.length === 1 ? (byTxId[0] as TransactionRow) : null
    },

    async get(
      id: string,
      stationId: string | undefined,
      meterLimit: number,
    ): Promise<TransactionDetail | null> {
      const row = await this.find(id, stationId)
      if (!row) return null
      const meter = await sql<MeterRowOut>`
        select sampled_at, measurand, phase, location, context, unit, multiplier, value, normalized, seq_no, signed
        from meter_values where tx_id = ${row.id}::bigint
        order by sampled_at, measurand, phase, location, context
        limit ${meterLimit + 1}`.execute(db)
      return {
        ...toTransactionView(row),
        meterValues: meter.rows.slice(0, meterLimit).map(toMeterValueView),
        meterValuesTruncated: meter.rows.length > meterLimit,
      }
    },

    async exists(stationId: string, transactionId: string): Promise<boolean> {
      const row = await db
        .selectFrom('transactions')
        .select('id')
        .where('station_id', '=', stationId)
        .where('transaction_id', '=', transactionId)
        .executeTakeFirst()
      return row !== undefined
    },

    /**
     * The integer transactionId of a 1.6 StartTransaction. `key` identifies the start (connector,
     * timestamp, idTag, meterStart): a retried StartTransaction gets the id it got the first time.
     */
    async allocateLegacyId(stationId: string, key: string, at: string): Promise<string> {
      const inserted = await sql<{ transaction_id: string }>`
        insert into transactions (station_id, transaction_id, protocol, state, sort_at, doc, legacy_key)
        values (${stationId}, nextval('legacy_transaction_id_seq')::text, 'ocpp1.6', 'active', ${at}::timestamptz,
                'null'::jsonb, ${key})
        on conflict do nothing
        returning transaction_id`.execute(db)
      const id = inserted.rows[0]?.transaction_id
      if (id !== undefined) return id
      const existing = await db
        .selectFrom('transactions')
        .select('transaction_id')
        .where('station_id', '=', stationId)
        .where('legacy_key', '=', key)
        .executeTakeFirstOrThrow()
      return existing.transaction_id
    },

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

    async remoteStartOf(stationId: string, transactionId: string) {
      return db
        .selectFrom('remote_starts')
        .select(['remote_start_id', 'status', 'requested_at', 'linked_at'])
        .where('station_id', '=', stationId)
        .where('transaction_id', '=', transactionId)
        .orderBy('requested_at', 'desc')
        .executeTakeFirst()
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

    async upsertTariff(t: Tariff): Promise<void> {
      const set = {
        scope: t.scope,
        scope_key: t.scope === 'default' ? '' : t.scopeKey,
        currency: t.currency,
        price_per_kwh: t.pricePerKwh,
        price_per_minute: t.pricePerMinute,
        updated_at: new Date(),
      }
      await db
        .insertInto('tariffs')
        .values({ id: t.id, ...set })
        .onConflict((oc) => oc.column('id').doUpdateSet(set))
        .execute()
    },

    async listTariffs(): Promise<Tariff[]> {
      const found = await db.selectFrom('tariffs').selectAll().orderBy('id').execute()
      return found.map((r) => ({
        id: r.id,
        scope: r.scope as TariffScope,
        scopeKey: r.scope_key,
        currency: r.currency,
        pricePerKwh: r.price_per_kwh,
        pricePerMinute: r.price_per_minute,
      }))
    },
  }
}

function isBigint(s: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(s)
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url')
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    if (typeof at === 'string' && typeof id === 'string' && isBigint(id) && !Number.isNaN(Date.parse(at)))
      return [at, id]
  } catch {
    // fall through
  }
  throw new RangeError('invalid cursor')
}
