import { type Kysely, sql, type Transaction } from 'kysely'
import { stateOf, type TxDoc } from '../domain/transaction-state.js'
import type { MeterRow } from './meter-rows.js'
import type { TransactionDb } from './tables.js'

// The set-based statements of a flush (event-writer.ts). Each takes a whole batch: arrays
// through unnest, or one JSON document through json_to_recordset, never a statement per row.

type Db = Kysely<TransactionDb> | Transaction<TransactionDb>

export type SessionKey = { stationId: string; transactionId: string }

/** Placeholder rows (doc = JSON null) for sessions not seen yet, in the caller's (sorted) order. */
export async function insertMissingSessions(
  trx: Db,
  missing: ReadonlyArray<SessionKey & { protocol: string; at: string }>,
): Promise<void> {
  if (missing.length === 0) return
  await sql`
    insert into transactions (station_id, transaction_id, protocol, state, sort_at, doc)
    select u.s, u.t, u.p, 'active', u.a, 'null'::json
    from unnest(${missing.map((m) => m.stationId)}::text[], ${missing.map((m) => m.transactionId)}::text[],
                ${missing.map((m) => m.protocol)}::text[], ${missing.map((m) => m.at)}::timestamptz[])
         with ordinality as u(s, t, p, a, n)
    order by u.n
    on conflict (station_id, transaction_id) do nothing`.execute(trx)
}

/** Locks the sessions in a fixed order (C collation: the same order JavaScript sorts in). */
export async function selectSessionsForUpdate(trx: Db, keys: readonly SessionKey[]) {
  const { rows } = await sql<{ id: string; station_id: string; transaction_id: string; doc: TxDoc | null }>`
    select t.id, t.station_id, t.transaction_id, t.doc
    from transactions t
    join unnest(${keys.map((k) => k.stationId)}::text[], ${keys.map((k) => k.transactionId)}::text[]) as u(s, t)
      on t.station_id = u.s and t.transaction_id = u.t
    order by t.station_id collate "C", t.transaction_id collate "C"
    for update of t`.execute(trx)
  return rows
}

// Rows travel as one JSON document (json_to_recordset): serialising it is native and cheap,
// where a text[] parameter per column costs an escape per element in the client.
export async function insertMeterRows(trx: Db, rows: readonly MeterRow[]): Promise<void> {
  if (rows.length === 0) return
  await sql`
    insert into meter_values (sampled_at, station_id, evse_id, tx_id, seq_no, register_wh, digest, samples)
    select sampled_at, station_id, evse_id, tx_id, seq_no, register_wh, digest, samples
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(
      sampled_at timestamptz, station_id text, evse_id int, tx_id bigint, seq_no bigint,
      register_wh float8, digest bigint, samples json)
    on conflict do nothing`.execute(trx)
}

/** Every billing-register reading of the sessions, oldest first. */
export async function registerPointsOf(
  db: Db,
  txIds: readonly string[],
): Promise<Map<string, Array<{ at: string; wh: number }>>> {
  const { rows } = await sql<{ tx_id: string; sampled_at: Date; register_wh: number }>`
    select tx_id, sampled_at, register_wh from meter_values
    where tx_id = any(${[...txIds]}::bigint[]) and register_wh is not null
    order by tx_id, sampled_at`.execute(db)
  const out = new Map<string, Array<{ at: string; wh: number }>>()
  for (const r of rows) {
    const list = out.get(r.tx_id) ?? []
    list.push({ at: r.sampled_at.toISOString(), wh: r.register_wh })
    out.set(r.tx_id, list)
  }
  return out
}

/** Writes the folded sessions back, with the columns queries filter and sort on. */
export async function saveSessions(
  trx: Db,
  sessions: ReadonlyArray<{ id: string; doc: TxDoc }>,
): Promise<void> {
  if (sessions.length === 0) return
  const rows = sessions.map(({ id, doc: d }) => ({
    id,
    state: stateOf(d),
    evse_id: d.evse?.value.evseId ?? null,
    started_at: d.startedAt,
    ended_at: d.endedAt,
    sort_at: d.startedAt ?? d.firstEventAt,
    energy_wh: d.energy.importedWh,
    id_token: d.idToken?.value.idToken ?? null,
    remote_start_id: d.remoteStartId,
    total_cost: d.totalCost,
    doc: d,
  }))
  await sql`
    update transactions t set
      state = u.state, evse_id = u.evse_id, started_at = u.started_at, ended_at = u.ended_at, sort_at = u.sort_at,
      energy_wh = u.energy_wh, id_token = u.id_token, remote_start_id = u.remote_start_id,
      total_cost = u.total_cost, doc = u.doc, updated_at = now()
    from json_to_recordset(${JSON.stringify(rows)}::json) as u(
      id bigint, state text, evse_id int, started_at timestamptz, ended_at timestamptz, sort_at timestamptz,
      energy_wh float8, id_token text, remote_start_id int, total_cost numeric, doc json)
    where t.id = u.id`.execute(trx)
}

/** A session naming a remoteStartId links the remote start that asked for it. */
export async function linkRemoteStarts(
  trx: Db,
  links: ReadonlyArray<SessionKey & { remoteStartId: number }>,
) {
  if (links.length === 0) return
  await sql`
    update remote_starts r set transaction_id = u.t, linked_at = now()
    from unnest(${links.map((l) => l.stationId)}::text[], ${links.map((l) => l.transactionId)}::text[],
                ${links.map((l) => l.remoteStartId)}::int[]) as u(s, t, rid)
    where r.station_id = u.s and r.remote_start_id = u.rid and r.transaction_id is null`.execute(trx)
}

/** A session naming a reservationId uses the reservation (H03). */
export async function useReservations(trx: Db, links: ReadonlyArray<SessionKey & { reservationId: number }>) {
  if (links.length === 0) return
  await sql`
    update reservations r set status = 'used', transaction_id = u.t, updated_at = now()
    from unnest(${links.map((l) => l.stationId)}::text[], ${links.map((l) => l.transactionId)}::text[],
                ${links.map((l) => l.reservationId)}::int[]) as u(s, t, rid)
    where r.station_id = u.s and r.reservation_id = u.rid and r.status in ('active', 'requested')`.execute(
    trx,
  )
}
