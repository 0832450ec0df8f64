import { toDbError } from '@csms/db'
import { type Kysely, sql, type Transaction } from 'kysely'
import { rebuildEnergy } from '../domain/energy.js'
import type { Reading } from '../domain/readings.js'
import {
  applyEvent,
  stateOf,
  type TxDoc,
  type TxEventInput,
  withEnergy,
} from '../domain/transaction-state.js'
import { type Batcher, createBatcher } from './batcher.js'
import type { TransactionDb } from './tables.js'

// The hot path. Every TransactionEvent (and 1.6 start, stop, meter values) becomes a job; a
// flush writes a batch of them in one database transaction with a handful of set-based
// statements (unnest arrays, never one INSERT per row):
//   1. make sure a row exists for each transaction touched (an Ended may come first),
//   2. lock those rows in a fixed order (replicas and concurrent flushes serialize per session),
//   3. fold the events into each session in memory (domain/transaction-state.ts: seqNo dedupe),
//   4. insert the meter values of the events that were new,
//   5. rebuild the energy of sessions that got a reading older than their newest,
//   6. write the sessions back, and link remote starts and reservations they name.
// Nothing else is awaited while the transaction is open.

export type TxJob = {
  kind: 'tx'
  stationId: string
  transactionId: string
  protocol: string
  event: TxEventInput
}
/** Meter values outside any transaction (MeterValues), deduplicated by the unique index. */
export type MeterJob = { kind: 'meter'; stationId: string; evseId: number; readings: Reading[] }
export type WriteJob = TxJob | MeterJob

export type TxWritten = {
  kind: 'tx'
  /** The CSMS id of the session. */
  id: string
  stationId: string
  transactionId: string
  /** The session as committed, this event applied. */
  doc: TxDoc
  /** Already applied before: nothing was written. */
  duplicate: boolean
}
export type MeterWritten = { kind: 'meter' }
export type Written = TxWritten | MeterWritten

export type EventWriter = Batcher<WriteJob, Written>

export function createEventWriter(
  db: Kysely<TransactionDb>,
  opts: { maxBatch: number; concurrency: number },
): EventWriter {
  return createBatcher<WriteJob, Written>({
    maxBatch: opts.maxBatch,
    concurrency: opts.concurrency,
    flush: (jobs) => db.transaction().execute((trx) => writeBatch(trx, jobs)),
    shouldSplit: (error) => {
      const code = toDbError(error).code
      return code !== 'connection' && code !== 'timeout'
    },
  })
}

type MeterRow = {
  reading: Reading
  stationId: string
  evseId: number
  txId: string | null
  seqNo: number | null
}

type Locked = {
  id: string
  key: string
  doc: TxDoc | null
  before: TxDoc | null
  rebuild: boolean
  touched: boolean
}

const keyOf = (stationId: string, transactionId: string) => `${stationId}\u0000${transactionId}`

async function writeBatch(trx: Transaction<TransactionDb>, jobs: readonly WriteJob[]): Promise<Written[]> {
  const txJobs = jobs.filter((j): j is TxJob => j.kind === 'tx')
  const sessions = await lockSessions(trx, txJobs)
  const meterRows: MeterRow[] = []
  const results: Written[] = []

  for (const job of jobs) {
    if (job.kind === 'meter') {
      for (const reading of job.readings) {
        meterRows.push({ reading, stationId: job.stationId, evseId: job.evseId, txId: null, seqNo: null })
      }
      results.push({ kind: 'meter' })
      continue
    }
    const s = sessions.get(keyOf(job.stationId, job.transactionId))
    if (!s) throw new Error(`session ${job.stationId}/${job.transactionId} was not locked`)
    const outcome = applyEvent(s.doc, job.event)
    if (!outcome.duplicate) {
      s.doc = outcome.doc
      s.touched = true
      s.rebuild ||= outcome.needsEnergyRebuild
      const evseId = job.event.evseId ?? outcome.doc.evse?.value.evseId ?? 0
      for (const reading of job.event.readings) {
        meterRows.push({ reading, stationId: job.stationId, evseId, txId: s.id, seqNo: job.event.seqNo })
      }
    }
    results.push({
      kind: 'tx',
      id: s.id,
      stationId: job.stationId,
      transactionId: job.transactionId,
      doc: outcome.doc,
      duplicate: outcome.duplicate,
    })
  }

  await insertMeterRows(trx, meterRows)
  const rebuilt = await rebuildSessions(
    trx,
    [...sessions.values()].filter((s) => s.rebuild && s.doc !== null),
  )
  await saveSessions(
    trx,
    [...sessions.values()].filter((s) => s.touched),
  )
  await linkRemoteStartsAndReservations(
    trx,
    [...sessions.values()].filter((s) => s.touched),
  )

  // Each result carries the session as committed (all of the batch's events, energy rebuilt).
  return results.map((r) => {
    if (r.kind !== 'tx') return r
    const s = sessions.get(keyOf(r.stationId, r.transactionId))
    return { ...r, doc: rebuilt.get(r.id) ?? s?.doc ?? r.doc }
  })
}

async function lockSessions(
  trx: Transaction<TransactionDb>,
  jobs: readonly TxJob[],
): Promise<Map<string, Locked>> {
  const sessions = new Map<string, Locked>()
  if (jobs.length === 0) return sessions
  const first = new Map<string, TxJob>()
  for (const j of jobs)
    if (!first.has(keyOf(j.stationId, j.transactionId))) first.set(keyOf(j.stationId, j.transactionId), j)
  // A fixed order for inserting and locking, so two flushes never wait on each other in a cycle.
  const ordered = [...first.values()].sort(
    (a, b) => cmp(a.stationId, b.stationId) || cmp(a.transactionId, b.transactionId),
  )
  const stations = ordered.map((j) => j.stationId)
  const txIds = ordered.map((j) => j.transactionId)
  await sql`
    insert into transactions (station_id, transaction_id, protocol, state, sort_at, doc)
    select u.s, u.t, u.p, 'active', u.a, 'null'::jsonb
    from unnest(${stations}::text[], ${txIds}::text[], ${ordered.map((j) => j.protocol)}::text[],
                ${ordered.map((j) => j.event.at)}::timestamptz[]) with ordinality as u(s, t, p, a, n)
    order by u.n
    on conflict (station_id, transaction_id) do nothing`.execute(trx)
  const { rows } = await sql<{ id: string; station_id: string; transaction_id: string; doc: TxDoc | null }>`
    select t.id, t.station_id, t.transaction_id, t.doc
    from transactions t
    join unnest(${stations}::text[], ${txIds}::text[]) as u(s, t) on t.station_id = u.s and t.transaction_id = u.t
    order by t.station_id collate "C", t.transaction_id collate "C"
    for update of t`.execute(trx)
  for (const r of rows) {
    const key = keyOf(r.station_id, r.transaction_id)
    sessions.set(key, { id: r.id, key, doc: r.doc, before: r.doc, rebuild: false, touched: false })
  }
  return sessions
}

async function insertMeterRows(trx: Transaction<TransactionDb>, rows: readonly MeterRow[]): Promise<void> {
  if (rows.length === 0) return
  const col = <T>(f: (r: MeterRow) => T) => rows.map(f)
  await sql`
    insert into meter_values (sampled_at, station_id, evse_id, tx_id, seq_no, measurand, phase, location, context,
                              unit, multiplier, value, normalized, signed)
    select * from unnest(
      ${col((r) => r.reading.at)}::timestamptz[], ${col((r) => r.stationId)}::text[], ${col((r) => r.evseId)}::int[],
      ${col((r) => r.txId)}::bigint[], ${col((r) => r.seqNo)}::bigint[], ${col((r) => r.reading.measurand)}::text[],
      ${col((r) => r.reading.phase)}::text[], ${col((r) => r.reading.location)}::text[],
      ${col((r) => r.reading.context)}::text[], ${col((r) => r.reading.unit)}::text[],
      ${col((r) => r.reading.multiplier)}::smallint[], ${col((r) => r.reading.value)}::float8[],
      ${col((r) => r.reading.normalized)}::float8[],
      ${col((r) => (r.reading.signed === null ? null : JSON.stringify(r.reading.signed)))}::jsonb[])
    on conflict do nothing`.execute(trx)
}

/** Rebuilds energy from every stored register reading of the sessions that need it. */
async function rebuildSessions(
  trx: Transaction<TransactionDb>,
  sessions: Locked[],
): Promise<Map<string, TxDoc>> {
  const rebuilt = new Map<string, TxDoc>()
  if (sessions.length === 0) return rebuilt
  const points = await registerPointsOf(
    trx,
    sessions.map((s) => s.id),
  )
  for (const s of sessions) {
    s.doc = withEnergy(s.doc as TxDoc, rebuildEnergy(points.get(s.id) ?? []))
    rebuilt.set(s.id, s.doc)
  }
  return rebuilt
}

export async function registerPointsOf(
  db: Kysely<TransactionDb> | Transaction<TransactionDb>,
  txIds: readonly string[],
): Promise<Map<string, Array<{ at: string; wh: number }>>> {
  const { rows } = await sql<{ tx_id: string; sampled_at: Date; normalized: number }>`
    select tx_id, sampled_at, normalized from meter_values
    where tx_id = any(${[...txIds]}::bigint[])
      and measurand = 'Energy.Active.Import.Register' and phase = '' and location = 'Outlet'
      and unit in ('Wh', 'kWh') and normalized is not null
    order by tx_id, sampled_at`.execute(db)
  const out = new Map<string, Array<{ at: string; wh: number }>>()
  for (const r of rows) {
    const list = out.get(r.tx_id) ?? []
    list.push({ at: r.sampled_at.toISOString(), wh: r.normalized })
    out.set(r.tx_id, list)
  }
  return out
}

async function saveSessions(trx: Transaction<TransactionDb>, sessions: Locked[]): Promise<void> {
  if (sessions.length === 0) return
  const docs = sessions.map((s) => s.doc as TxDoc)
  await sql`
    update transactions t set
      state = u.state, evse_id = u.evse_id, started_at = u.started_at, ended_at = u.ended_at, sort_at = u.sort_at,
      energy_wh = u.energy_wh, id_token = u.id_token, remote_start_id = u.remote_start_id,
      total_cost = u.total_cost, doc = u.doc, updated_at = now()
    from unnest(
      ${sessions.map((s) => s.id)}::bigint[], ${docs.map(stateOf)}::text[],
      ${docs.map((d) => d.evse?.value.evseId ?? null)}::int[], ${docs.map((d) => d.startedAt)}::timestamptz[],
      ${docs.map((d) => d.endedAt)}::timestamptz[], ${docs.map((d) => d.startedAt ?? d.firstEventAt)}::timestamptz[],
      ${docs.map((d) => d.energy.importedWh)}::float8[], ${docs.map((d) => d.idToken?.value.idToken ?? null)}::text[],
      ${docs.map((d) => d.remoteStartId)}::int[], ${docs.map((d) => d.totalCost)}::numeric[],
      ${docs.map((d) => JSON.stringify(d))}::jsonb[]
    ) as u(id, state, evse_id, started_at, ended_at, sort_at, energy_wh, id_token, remote_start_id, total_cost, doc)
    where t.id = u.id`.execute(trx)
}

/** A session that names a remoteStartId or reservationId for the first time links to it. */
async function linkRemoteStartsAndReservations(
  trx: Transaction<TransactionDb>,
  sessions: Locked[],
): Promise<void> {
  const remote = sessions.filter((s) => s.doc?.remoteStartId != null && s.before?.remoteStartId == null)
  if (remote.length > 0) {
    const [stations, txIds] = splitKeys(remote)
    await sql`
      update remote_starts r set transaction_id = u.t, linked_at = now()
      from unnest(${stations}::text[], ${txIds}::text[], ${remote.map((s) => s.doc?.remoteStartId)}::int[]) as u(s, t, rid)
      where r.station_id = u.s and r.remote_start_id = u.rid and r.transaction_id is null`.execute(trx)
  }
  const reserved = sessions.filter((s) => s.doc?.reservationId != null && s.before?.reservationId == null)
  if (reserved.length > 0) {
    const [stations, txIds] = splitKeys(reserved)
    await sql`
      update reservations r set status = 'used', transaction_id = u.t, updated_at = now()
      from unnest(${stations}::text[], ${txIds}::text[], ${reserved.map((s) => s.doc?.reservationId)}::int[]) as u(s, t, rid)
      where r.station_id = u.s and r.reservation_id = u.rid and r.status in ('active', 'requested')`.execute(
      trx,
    )
  }
}

function splitKeys(sessions: Locked[]): [string[], string[]] {
  const parts = sessions.map((s) => s.key.split('\u0000') as [string, string])
  return [parts.map((p) => p[0]), parts.map((p) => p[1])]
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
