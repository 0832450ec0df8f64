import type { TransactionDetail, TransactionView } from '@csms/bus'
import { type Kysely, sql } from 'kysely'
import { fromTuple, type SampleTuple } from './meter-rows.js'
import { createRemoteControlQueries } from './remote-control-repo.js'
import { createReservationQueries } from './reservation-repo.js'
import type { TransactionDb } from './tables.js'
import { createTariffQueries } from './tariff-repo.js'
import { type TransactionRow, toMeterValueView, toTransactionView } from './views.js'

// Everything but the hot path: reads for the API and 1.6 id allocation here; remote starts and
// stops, reservations and tariffs beside it. Single statements, no transaction held across awaits.

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
      .where(sql<boolean>`doc::text <> 'null'`)

  const sessions = {
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
        // The station's own id first: a 1.6 transactionId is a number too.
        const byTxId = await rows()
          .where('station_id', '=', stationId)
          .where('transaction_id', '=', id)
          .executeTakeFirst()
        if (byTxId) return byTxId as TransactionRow
        if (!isBigint(id)) return null
        const byId = await rows()
          .where('station_id', '=', stationId)
          .where('id', '=', id as never)
          .executeTakeFirst()
        return (byId as TransactionRow | undefined) ?? null
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
      const row = await sessions.find(id, stationId)
      if (!row) return null
      // Rows hold every sampled value of an instant; at most `meterLimit` values are returned.
      const { rows: found } = await sql<{ sampled_at: Date; seq_no: string | null; samples: SampleTuple[] }>`
        select sampled_at, seq_no, samples from meter_values where tx_id = ${row.id}::bigint
        order by sampled_at, seq_no nulls first
        limit ${meterLimit + 1}`.execute(db)
      const values = found.flatMap((r) =>
        r.samples.map((t) =>
          toMeterValueView(
            fromTuple(r.sampled_at.toISOString(), t),
            r.seq_no === null ? null : Number(r.seq_no),
          ),
        ),
      )
      return {
        ...toTransactionView(row),
        meterValues: values.slice(0, meterLimit),
        meterValuesTruncated: values.length > meterLimit,
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
                'null'::json, ${key})
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
  }
  return {
    ...sessions,
    ...createRemoteControlQueries(db),
    ...createReservationQueries(db),
    ...createTariffQueries(db),
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
