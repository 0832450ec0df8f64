import type { Counter, StatsSnapshot } from './fleet-stats.js'
import {
  createLatencyHistogram,
  decodeHistogram,
  type Histogram,
  type LatencySummary,
  summarizeLatency,
} from './latency-histogram.js'

/** One second of the run, across every worker process. */
export type TimelinePoint = {
  t: number
  connected: number
  booted: number
  activeTransactions: number
  /** Station-initiated calls completed (answered or failed) in this second. */
  calls: number
  errors: number
  csmsCalls: number
  p50: number
  p95: number
  p99: number
  max: number
  actions: Record<string, { count: number; failed: number; p50: number; p95: number; p99: number }>
}

type Pending = {
  workers: Map<number, { connected: number; booted: number; activeTransactions: number }>
  actions: Map<string, { ok: number; failed: number; h: Histogram }>
  overall: Histogram
  errors: number
  csmsCalls: number
}

export type ActionTotals = { ok: number; failed: number; latency: LatencySummary }

/**
 * Merges the per-second snapshots of all worker processes into a timeline (one point per
 * second, finalised once every worker has moved past it) and run-wide HDR histograms.
 */
export class StatsAggregator {
  readonly timeline: TimelinePoint[] = []
  readonly counters: Partial<Record<Counter, number>> = {}
  readonly errors: Record<string, number> = {}
  readonly csmsCalls: Record<string, number> = {}
  readonly errorSamples: string[] = []
  private readonly pending = new Map<number, Pending>()
  private readonly latestTick = new Map<number, number>()
  private readonly lastGauges = new Map<
    number,
    { connected: number; booted: number; activeTransactions: number }
  >()
  private readonly cumulative = new Map<string, { ok: number; failed: number; h: Histogram }>()
  private readonly overall = createLatencyHistogram()
  private readonly connects = createLatencyHistogram()
  private finalisedUpTo = -1
  totalCalls = 0
  totalErrors = 0
  peakConnected = 0

  constructor(private readonly workerCount: number) {}

  add(worker: number, s: StatsSnapshot): void {
    this.latestTick.set(worker, Math.max(this.latestTick.get(worker) ?? -1, s.tick))
    const tick = Math.max(s.tick, this.finalisedUpTo + 1)
    const p = this.bucket(tick)
    const gauges = { connected: s.connected, booted: s.booted, activeTransactions: s.activeTransactions }
    p.workers.set(worker, gauges)
    this.lastGauges.set(worker, gauges)
    for (const [action, a] of Object.entries(s.actions)) {
      const entry = p.actions.get(action) ?? { ok: 0, failed: 0, h: createLatencyHistogram() }
      p.actions.set(action, entry)
      const total = this.cumulative.get(action) ?? { ok: 0, failed: 0, h: createLatencyHistogram() }
      this.cumulative.set(action, total)
      entry.ok += a.ok
      entry.failed += a.failed
      total.ok += a.ok
      total.failed += a.failed
      this.totalCalls += a.ok + a.failed
      if (a.histogram) {
        const h = decodeHistogram(a.histogram)
        entry.h.add(h)
        p.overall.add(h)
        total.h.add(h)
        this.overall.add(h)
      }
    }
    if (s.connect) this.connects.add(decodeHistogram(s.connect))
    for (const [key, n] of Object.entries(s.errors)) {
      this.errors[key] = (this.errors[key] ?? 0) + n
      p.errors += n
      this.totalErrors += n
    }
    for (const [action, n] of Object.entries(s.csmsCalls)) {
      this.csmsCalls[action] = (this.csmsCalls[action] ?? 0) + n
      p.csmsCalls += n
    }
    for (const [c, n] of Object.entries(s.counters) as [Counter, number][])
      this.counters[c] = (this.counters[c] ?? 0) + n
    for (const sample of s.errorSamples) if (this.errorSamples.length < 50) this.errorSamples.push(sample)
    this.finaliseReady()
  }

  /** Finalises every second still open (at the end of the run). */
  flush(): void {
    for (const tick of [...this.pending.keys()].sort((a, b) => a - b)) this.finalise(tick)
  }

  perAction(): Record<string, ActionTotals> {
    const out: Record<string, ActionTotals> = {}
    for (const [action, t] of [...this.cumulative].sort(([a], [b]) => a.localeCompare(b))) {
      out[action] = { ok: t.ok, failed: t.failed, latency: summarizeLatency(t.h) }
    }
    return out
  }

  latency(): LatencySummary {
    return summarizeLatency(this.overall)
  }

  /** Successful WebSocket upgrades (TCP connect to open, the CSMS's admission included). */
  connectLatency(): LatencySummary {
    return summarizeLatency(this.connects)
  }

  /** The current gauges (connected, booted) summed over the workers' latest reports. */
  gauges(): { connected: number; booted: number; activeTransactions: number } {
    let connected = 0
    let booted = 0
    let activeTransactions = 0
    for (const g of this.lastGauges.values()) {
      connected += g.connected
      booted += g.booted
      activeTransactions += g.activeTransactions
    }
    return { connected, booted, activeTransactions }
  }

  private bucket(tick: number): Pending {
    let p = this.pending.get(tick)
    if (!p) {
      p = {
        workers: new Map(),
        actions: new Map(),
        overall: createLatencyHistogram(),
        errors: 0,
        csmsCalls: 0,
      }
      this.pending.set(tick, p)
    }
    return p
  }

  private finaliseReady(): void {
    if (this.latestTick.size < this.workerCount) return
    const done = Math.min(...this.latestTick.values())
    for (const tick of [...this.pending.keys()].sort((a, b) => a - b)) {
      const p = this.pending.get(tick) as Pending
      if (tick < done || p.workers.size >= this.workerCount) this.finalise(tick)
    }
  }

  private finalise(tick: number): void {
    const p = this.pending.get(tick)
    if (!p) return
    this.pending.delete(tick)
    // Fill the gap seconds (a busy worker may skip one) so the charts keep a steady x axis.
    for (let t = this.finalisedUpTo + 1; t < tick; t++) this.timeline.push(this.emptyPoint(t))
    let connected = 0
    let booted = 0
    let activeTransactions = 0
    for (const [worker, last] of this.lastGauges) {
      const g = p.workers.get(worker) ?? last
      connected += g.connected
      booted += g.booted
      activeTransactions += g.activeTransactions
    }
    this.peakConnected = Math.max(this.peakConnected, connected)
    const summary = summarizeLatency(p.overall)
    const actions: TimelinePoint['actions'] = {}
    let calls = 0
    for (const [action, a] of p.actions) {
      const s = summarizeLatency(a.h)
      actions[action] = { count: a.ok + a.failed, failed: a.failed, p50: s.p50, p95: s.p95, p99: s.p99 }
      calls += a.ok + a.failed
    }
    this.timeline.push({
      t: tick,
      connected,
      booted,
      activeTransactions,
      calls,
      errors: p.errors,
      csmsCalls: p.csmsCalls,
      p50: summary.p50,
      p95: summary.p95,
      p99: summary.p99,
      max: summary.max,
      actions,
    })
    this.finalisedUpTo = Math.max(this.finalisedUpTo, tick)
  }

  private emptyPoint(t: number): TimelinePoint {
    const g = this.gauges()
    return { t, ...g, calls: 0, errors: 0, csmsCalls: 0, p50: 0, p95: 0, p99: 0, max: 0, actions: {} }
  }
}
