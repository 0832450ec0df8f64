import { randomUUID } from 'node:crypto'
import type { IdTokenRef, LocalListSyncOutcome, LocalListSyncResult } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import { localListInfo, type StoredIdToken } from '../domain/authorization.js'
import type { Clock } from '../domain/clock.js'
import type { IdTokenRepo } from '../repo/id-token-repo.js'
import type { LocalListItem, LocalListRepo } from '../repo/local-list-repo.js'
import type { ProtocolResolver, StationCaller } from '../station/station-call.js'
import { fitsProtocol, type PlannedEntry, planUpdates, sendLocalListPayload } from './local-list-plan.js'

export type LocalListSync = ReturnType<typeof createLocalListSync>

type Deps = {
  lists: LocalListRepo
  tokens: IdTokenRepo
  call: StationCaller
  protocolOf: ProtocolResolver
  itemsPerMessage: number
  /** How long one replica may hold a station's list before another may take over. */
  leaseMs: number
  concurrency: number
  clock: Clock
  logger: Logger
}

type SyncOptions = { full?: boolean; reconcile?: boolean; attempt?: number }
const MAX_BUSY_RETRIES = 10
const BUSY_RETRY_MS = 500
type Sent = LocalListSyncResult['sent']

// Lower-cased: a token names its group in whatever case the operator typed (idTokens are
// case-insensitive); stored tokens are unique that way.
const key = (r: IdTokenRef) => `${r.type}\u0000${r.idToken.toLowerCase()}`

/**
 * Brings stations' local authorization lists in line with the CSMS (OCPP 2.0.1 D01/D02).
 * Versions: the CSMS records the version each station confirmed. A differential goes out as
 * that version + 1 with the entries changed since; when the station reports another version
 * (GetLocalListVersion after a boot, or VersionMismatch) it gets a full update numbered above
 * both. No database transaction stays open while a station is asked; a lease row keeps two
 * replicas from updating one station at once.
 */
export function createLocalListSync(deps: Deps) {
  async function sync(stationId: string, opts: SyncOptions = {}): Promise<LocalListSyncResult> {
    const state = await deps.lists.state(stationId)
    if (!state) return { stationId, outcome: 'NoList', version: 0, sent: [] }
    const owner = randomUUID()
    if (!(await deps.lists.acquireLease(stationId, owner, deps.leaseMs))) {
      return { stationId, outcome: 'Busy', version: state.syncedVersion, sent: [] }
    }
    let result: LocalListSyncResult
    try {
      result = await run(stationId, opts)
    } finally {
      await deps.lists.releaseLease(stationId, owner).catch((error: unknown) => {
        deps.logger.warn({ err: error, stationId }, 'could not release local list lease')
      })
    }
    // A change committed while the lease was held found it taken and left it to us.
    if (result.outcome === 'Accepted' || result.outcome === 'InSync') {
      if ((await deps.lists.pendingCount(stationId)) > 0) schedule(stationId)
    } else if (result.outcome !== 'Busy') {
      deps.logger.info(
        { stationId, outcome: result.outcome, detail: result.detail },
        'local list not updated',
      )
    }
    return result
  }

  async function run(stationId: string, opts: SyncOptions): Promise<LocalListSyncResult> {
    const version = await deps.protocolOf(stationId)
    const sent: Sent = []
    const done = async (outcome: LocalListSyncOutcome, v: number, detail?: string) => {
      if (outcome !== 'Accepted' && outcome !== 'InSync') await deps.lists.recordOutcome(stationId, outcome)
      return { stationId, outcome, version: v, sent, ...(detail === undefined ? {} : { detail }) }
    }
    if (!version) return done('Offline', 0, 'the station has not connected yet')
    let full = opts.full === true
    let ask = opts.reconcile === true || full
    rounds: for (let round = 0; round < 4; round++) {
      const state = await deps.lists.state(stationId)
      if (!state) return done('NoList', 0)
      let stationVersion: number | undefined
      if (ask) {
        ask = false
        const reply = await deps.call(stationId, 'GetLocalListVersion', {})
        if (!reply.ok) return done(reply.outcome, state.syncedVersion, reply.detail)
        stationVersion = Number(version === 'v16' ? reply.payload.listVersion : reply.payload.versionNumber)
        // 1.6: -1 means the station has no local list feature.
        if (stationVersion < 0) return done('NotSupported', state.syncedVersion)
        if (stationVersion !== state.syncedVersion) full = true
      }
      const batch = await deps.lists.batch(stationId, full ? 'full' : 'differential')
      if (!full && batch.items.length === 0) {
        return done(sent.length > 0 ? 'Accepted' : 'InSync', state.syncedVersion)
      }
      const entries = await resolve(stationId, version, batch.items)
      const messages = planUpdates(entries, {
        full,
        firstVersion: Math.max(state.syncedVersion, stationVersion ?? 0) + 1,
        itemsPerMessage: deps.itemsPerMessage,
      })
      for (const m of messages) {
        const reply = await deps.call(stationId, 'SendLocalList', sendLocalListPayload(version, m))
        if (!reply.ok) return done(reply.outcome, state.syncedVersion, reply.detail)
        sent.push({ updateType: m.updateType, versionNumber: m.versionNumber })
        const status = String(reply.payload.status)
        if (status === 'VersionMismatch' && !full) {
          full = true
          ask = true
          continue rounds
        }
        if (status !== 'Accepted')
          return done(status === 'VersionMismatch' ? status : 'Failed', state.syncedVersion, status)
      }
      const confirmed = messages.at(-1)?.versionNumber ?? state.syncedVersion
      await deps.lists.markSynced(stationId, confirmed, batch.maxSeq)
      full = false
    }
    const last = await deps.lists.state(stationId)
    return done('Accepted', last?.syncedVersion ?? 0, 'more changes arrived meanwhile; they follow')
  }

  /** Entries with the idTokenInfo this station should hold; removed or vanished tokens go bare. */
  async function resolve(
    stationId: string,
    version: OcppVersion,
    items: LocalListItem[],
  ): Promise<PlannedEntry[]> {
    const fitting = items.filter((i) => fitsProtocol(version, i.ref))
    const tokens = await deps.tokens.findMany(fitting.filter((i) => !i.removed).map((i) => i.ref))
    const byKey = new Map(tokens.map((t) => [key(t), t]))
    const groupRefs = tokens.flatMap((t) => (t.groupIdToken ? [t.groupIdToken] : []))
    const groups = new Map((await deps.tokens.findMany(groupRefs)).map((g) => [key(g), g]))
    const now = deps.clock()
    return fitting.map((i): PlannedEntry => {
      const token: StoredIdToken | undefined = i.removed ? undefined : byKey.get(key(i.ref))
      if (!token) return { ref: i.ref }
      const group = token.groupIdToken ? groups.get(key(token.groupIdToken)) : undefined
      return { ref: i.ref, info: localListInfo(token, group, stationId, now) }
    })
  }

  // Background syncs: one queued run per station, at most `concurrency` at a time.
  const queued = new Map<string, SyncOptions>()
  const timers = new Set<NodeJS.Timeout>()
  const waiting: Array<() => void> = []
  let active = 0
  let stopped = false

  function schedule(
    stationId: string,
    opts: { reconcile?: boolean; delayMs?: number; attempt?: number } = {},
  ): void {
    if (stopped) return
    const prev = queued.get(stationId)
    if (prev) {
      prev.reconcile ||= opts.reconcile === true
      return
    }
    queued.set(stationId, { reconcile: opts.reconcile === true, attempt: opts.attempt ?? 0 })
    const start = () => {
      void runQueued(stationId)
    }
    if (!opts.delayMs) {
      start()
      return
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      start()
    }, opts.delayMs)
    timers.add(timer)
  }

  async function runQueued(stationId: string): Promise<void> {
    if (active >= deps.concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      const opts = queued.get(stationId)
      queued.delete(stationId)
      if (stopped || !opts) return
      const result = await sync(stationId, opts)
      // Another run holds the station: it sends pending changes, but not a reconciliation asked
      // for meanwhile (a reconnect); try again shortly rather than lose it.
      const attempt = (opts.attempt ?? 0) + 1
      if (result.outcome === 'Busy' && opts.reconcile && attempt <= MAX_BUSY_RETRIES) {
        schedule(stationId, { reconcile: true, delayMs: BUSY_RETRY_MS * attempt, attempt })
      }
    } catch (error) {
      deps.logger.warn({ err: error, stationId }, 'local list sync failed')
    } finally {
      active--
      waiting.shift()?.()
    }
  }

  return {
    sync,
    schedule,
    stop() {
      stopped = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      for (const w of waiting.splice(0)) w()
    },
  }
}
