import {
  createLatencyHistogram,
  encodeHistogram,
  type Histogram,
  recordLatencyMs,
} from './latency-histogram.js'

/**
 * Why a station-initiated call, a connection or a CSMS call went wrong.
 * - `callerror`: the CSMS answered CALLERROR (an action it does not implement yet, a fault)
 * - `timeout`: no answer within the call timeout
 * - `closed`: the socket closed (not by a fault we injected) while the call was in flight
 * - `invalid-response`: the CSMS's answer fails the official schema
 * - `invalid-request`: the simulator built a payload that fails the schema (a simulator bug; never sent)
 * - `connect`: the WebSocket upgrade was refused or the TCP connection failed
 * - `disconnect`: the CSMS closed a socket we did not drop ourselves
 * - `csms-call`: the CSMS sent a CALL that fails the schema or a frame we cannot read
 * - `queue-overflow`: the offline queue was full and a message was dropped
 */
export const ERROR_KINDS = [
  'callerror',
  'timeout',
  'closed',
  'invalid-response',
  'invalid-request',
  'connect',
  'disconnect',
  'csms-call',
  'queue-overflow',
] as const
export type ErrorKind = (typeof ERROR_KINDS)[number]

/** Things counted per run that are not errors. */
export const COUNTERS = [
  'connects',
  'reconnects',
  'bootsAccepted',
  'bootsPending',
  'bootsRejected',
  'droppedByFault',
  'sessions',
  'txStarted',
  'txFailedToStart',
  'txEnded',
  'authorizeRejected',
  'offlineQueued',
  'offlineReplayed',
  'reboots',
  'energyWh',
] as const
export type Counter = (typeof COUNTERS)[number]

/** What a worker ships every second: deltas since the previous snapshot, plus the gauges. */
export type StatsSnapshot = {
  /** Whole seconds since the run started: the timeline bucket. */
  tick: number
  connected: number
  booted: number
  activeTransactions: number
  counters: Partial<Record<Counter, number>>
  /** Per action: answered calls with their latency histogram (encoded), and failures. */
  actions: Record<string, { ok: number; failed: number; histogram?: string }>
  /** `kind action code` → count. */
  errors: Record<string, number>
  csmsCalls: Record<string, number>
  errorSamples: string[]
  /**
   * Successful WebSocket upgrades: time from opening the TCP connection to the socket being
   * open, so it includes the CSMS's admission of the station (encoded histogram; absent: none).
   */
  connect?: string
}

/** The recorder stations call; one per process, read out once a second. */
export class FleetStats {
  private readonly histograms = new Map<string, Histogram>()
  private readonly connectHistogram = createLatencyHistogram()
  private actions: StatsSnapshot['actions'] = {}
  private counters: Partial<Record<Counter, number>> = {}
  private errors: Record<string, number> = {}
  private csmsCalls: Record<string, number> = {}
  private samples: string[] = []
  connected = 0
  booted = 0
  activeTransactions = 0
  /** Totals over the whole run, for `fleet.stats` in tests. */
  readonly totals = { calls: 0, errors: 0, csmsCalls: 0 }

  callAnswered(action: string, latencyMs: number): void {
    let h = this.histograms.get(action)
    if (!h) {
      h = createLatencyHistogram()
      this.histograms.set(action, h)
    }
    recordLatencyMs(h, latencyMs)
    this.actionEntry(action).ok++
    this.totals.calls++
  }

  /** A failed station call: counted against the action and as an error. */
  callFailed(action: string, kind: ErrorKind, code: string, detail: string): void {
    this.actionEntry(action).failed++
    this.totals.calls++
    this.error(kind, action, code, detail)
  }

  error(kind: ErrorKind, action: string, code: string, detail: string): void {
    const key = `${kind} ${action} ${code}`.trim()
    this.errors[key] = (this.errors[key] ?? 0) + 1
    this.totals.errors++
    if (this.samples.length < 20) this.samples.push(`${key}: ${detail}`.slice(0, 300))
  }

  /** A WebSocket upgrade succeeded after `latencyMs` (TCP connect, upgrade and admission). */
  connectOpened(latencyMs: number): void {
    recordLatencyMs(this.connectHistogram, latencyMs)
  }

  csmsCall(action: string): void {
    this.csmsCalls[action] = (this.csmsCalls[action] ?? 0) + 1
    this.totals.csmsCalls++
  }

  count(counter: Counter, by = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + by
  }

  /** Takes the deltas since the last snapshot and starts new interval histograms. */
  snapshot(tick: number): StatsSnapshot {
    for (const [action, h] of this.histograms) {
      if (h.totalCount > 0) this.actionEntry(action).histogram = encodeHistogram(h)
      h.reset()
    }
    const snap: StatsSnapshot = {
      tick,
      connected: this.connected,
      booted: this.booted,
      activeTransactions: this.activeTransactions,
      counters: this.counters,
      actions: this.actions,
      errors: this.errors,
      csmsCalls: this.csmsCalls,
      errorSamples: this.samples,
      ...(this.connectHistogram.totalCount > 0 ? { connect: encodeHistogram(this.connectHistogram) } : {}),
    }
    this.connectHistogram.reset()
    this.actions = {}
    this.counters = {}
    this.errors = {}
    this.csmsCalls = {}
    this.samples = []
    return snap
  }

  private actionEntry(action: string) {
    let entry = this.actions[action]
    if (!entry) {
      entry = { ok: 0, failed: 0 }
      this.actions[action] = entry
    }
    return entry
  }
}
