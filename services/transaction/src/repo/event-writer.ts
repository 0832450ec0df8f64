import { toDbError } from '@csms/db'
import type { Kysely, Transaction } from 'kysely'
import { rebuildEnergy } from '../domain/energy.js'
import type { Reading } from '../domain/readings.js'
import { applyEvent, type TxDoc, type TxEventInput, withEnergy } from '../domain/transaction-state.js'
import { type Batcher, createBatcher } from './batcher.js'
import { type MeterRow, toMeterRows } from './meter-rows.js'
import {
  insertMeterRows,
  insertMissingSessions,
  linkRemoteStarts,
  registerPointsOf,
  saveSessions,
  selectSessionsForUpdate,
  useReservations,
} from './session-sql.js'
import type { TransactionDb } from './tables.js'

// The hot path. Every TransactionEvent (and 1.6 start, stop, meter values) becomes a job; a
// flush writes a batch of them in one database transaction with a handful of set-based
// statements (session-sql.ts; never one INSERT per row):
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
  const known = createKnownSessions(200_000)
  return createBatcher<WriteJob, Written>({
    maxBatch: opts.maxBatch,
    concurrency: opts.concurrency,
    flush: async (jobs) => {
      const results = await db.transaction().execute((trx) => writeBatch(trx, jobs, known))
      // Committed: these sessions have rows from now on.
      for (const r of results) if (r.kind === 'tx') known.add(keyOf(r.stationId, r.transactionId))
      return results
    },
    shouldSplit: (error) => {
      const code = toDbError(error).code
      return code !== 'connection' && code !== 'timeout'
    },
  })
}

type Locked = {
  id: string
  stationId: string
  transactionId: string
  doc: TxDoc | null
  before: TxDoc | null
  rebuild: boolean
  touched: boolean
}

const keyOf = (stationId: string, transactionId: string) => `${stationId}\u0000${transactionId}`

/**
 * Sessions known to have a row: rows are never deleted, so once seen a session needs no
 * "insert if missing" again, which spares the steady stream of Updated events a statement.
 * Bounded: the oldest half is forgotten when full (forgetting only costs that statement).
 */
function createKnownSessions(max: number) {
  let current = new Set<string>()
  let previous = new Set<string>()
  return {
    has: (key: string) => current.has(key) || previous.has(key),
    add(key: string) {
      if (current.size >= max / 2) {
        previous = current
        current = new Set()
      }
      current.add(key)
    },
  }
}
type KnownSessions = ReturnType<typeof createKnownSessions>

async function writeBatch(
  trx: Transaction<TransactionDb>,
  jobs: readonly WriteJob[],
  known: KnownSessions,
): Promise<Written[]> {
  const txJobs = jobs.filter((j): j is TxJob => j.kind === 'tx')
  const sessions = await lockSessions(trx, txJobs, known)
  const meterRows: MeterRow[] = []
  const results: Written[] = []

  for (const job of jobs) {
    if (job.kind === 'meter') {
      meterRows.push(
        ...toMeterRows(job.readings, {
          stationId: job.stationId,
          evseId: job.evseId,
          txId: null,
          seqNo: null,
        }),
      )
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
      meterRows.push(
        ...toMeterRows(job.event.readings, {
          stationId: job.stationId,
          evseId,
          txId: s.id,
          seqNo: job.event.seqNo,
        }),
      )
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
  const touched = [...sessions.values()].filter((s) => s.touched)
  const rebuilt = await rebuildEnergyOf(
    trx,
    touched.filter((s) => s.rebuild),
  )
  await saveSessions(
    trx,
    touched.map((s) => ({ id: s.id, doc: s.doc as TxDoc })),
  )
  // Links made by this batch only: a session names its remote start or reservation once.
  await linkRemoteStarts(
    trx,
    touched.flatMap((s) =>
      s.doc?.remoteStartId != null && s.before?.remoteStartId == null
        ? [{ ...s, remoteStartId: s.doc.remoteStartId }]
        : [],
    ),
  )
  await useReservations(
    trx,
    touched.flatMap((s) =>
      s.doc?.reservationId != null && s.before?.reservationId == null
        ? [{ ...s, reservationId: s.doc.reservationId }]
        : [],
    ),
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
  known: KnownSessions,
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
  const missing = (list: readonly TxJob[]) =>
    list.map((j) => ({
      stationId: j.stationId,
      transactionId: j.transactionId,
      protocol: j.protocol,
      at: j.event.at,
    }))
  await insertMissingSessions(
    trx,
    missing(ordered.filter((j) => !known.has(keyOf(j.stationId, j.transactionId)))),
  )
  let rows = await selectSessionsForUpdate(trx, ordered)
  if (rows.length < ordered.length) {
    // The cache was wrong (a row it knew was never committed): insert what is missing, lock again.
    await insertMissingSessions(trx, missing(ordered))
    rows = await selectSessionsForUpdate(trx, ordered)
  }
  for (const r of rows) {
    sessions.set(keyOf(r.station_id, r.transaction_id), {
      id: r.id,
      stationId: r.station_id,
      transactionId: r.transaction_id,
      doc: r.doc,
      before: r.doc,
      rebuild: false,
      touched: false,
    })
  }
  return sessions
}

/** Rebuilds energy from every stored register reading of the sessions that need it. */
async function rebuildEnergyOf(
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
