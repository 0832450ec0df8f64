import { FleetStats, type StatsSnapshot } from '../metrics/fleet-stats.js'
import { sourceAddressFor } from '../net/source-addresses.js'
import type { Behaviour, Fault } from '../scenario/scenario-schema.js'
import { Station } from '../station/station.js'
import type { StationSpec } from '../station/station-types.js'
import { createRandom, type Random } from '../util/random.js'

export type FleetEngineOptions = {
  /** Gateway base URL; several separated by commas spread the fleet over them (no load balancer here). */
  url: string
  behaviour: Behaviour
  /** Stations with their index in the whole fleet (ramp-up order, source address). */
  stations: readonly { spec: StationSpec; index: number }[]
  /** Epoch ms at which the run starts (station 0 connects). */
  startAt: number
  durationMs: number
  /** New stations per second across the whole fleet; Infinity starts all at once. */
  rampPerSecond: number
  faults?: readonly Fault[]
  sourceAddresses?: readonly string[]
  seed: number
  /** Received CSMS calls kept per station (Infinity for tests). */
  keepReceived?: number
  /** Called once a second with the deltas since the previous call. */
  onSnapshot?: (s: StatsSnapshot) => void
}

/**
 * Runs a set of stations in this process: starts them at the ramp-up rate, injects the
 * scenario's faults at their times, and hands out a stats snapshot every second.
 */
export class FleetEngine {
  readonly stats = new FleetStats()
  readonly stations = new Map<string, Station>()
  private readonly order: Station[] = []
  private readonly timers: NodeJS.Timeout[] = []
  private rampTimer: NodeJS.Timeout | undefined
  private snapshotTimer: NodeJS.Timeout | undefined
  private next = 0
  private stopped = false
  private readonly random: Random

  constructor(private readonly o: FleetEngineOptions) {
    this.random = createRandom(o.seed).fork(o.stations[0]?.index ?? 0)
    const urls = o.url.split(',').map((u) => u.trim())
    for (const { spec, index } of o.stations) {
      const station = new Station({
        spec,
        url: urls[index % urls.length] as string,
        behaviour: o.behaviour,
        stats: this.stats,
        random: createRandom(o.seed).fork(index + 1_000_003),
        localAddress: sourceAddressFor(o.sourceAddresses ?? [], index),
        keepReceived: o.keepReceived ?? 0,
        run: { startedAt: o.startAt, durationMs: o.durationMs },
      })
      this.stations.set(spec.id, station)
      this.order.push(station)
    }
  }

  start(): void {
    const at = (ms: number, fn: () => void) => this.timers.push(setTimeout(fn, Math.max(0, ms - Date.now())))
    at(this.o.startAt, () => this.rampStep())
    for (const fault of this.o.faults ?? []) at(this.o.startAt + fault.at, () => this.inject(fault))
    if (this.o.onSnapshot) this.scheduleSnapshot()
  }

  private rampStep(): void {
    if (this.stopped) return
    const elapsed = Date.now() - this.o.startAt
    const due =
      this.o.rampPerSecond === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : (elapsed / 1000) * this.o.rampPerSecond
    while (this.next < this.order.length) {
      const station = this.order[this.next] as Station
      const index = this.o.stations[this.next]?.index ?? 0
      if (index > due) break
      station.start()
      this.next++
    }
    if (this.next < this.order.length) this.rampTimer = setTimeout(() => this.rampStep(), 20)
  }

  private inject(fault: Fault): void {
    if (this.stopped) return
    const started = this.order.slice(0, this.next)
    switch (fault.type) {
      case 'drop':
        for (const s of started) if (this.random.next() < fault.fraction) s.drop()
        return
      case 'storm': {
        const now = Date.now()
        for (const s of started) s.outage(now + Math.round(this.random.next() * fault.spread), fault.reboot)
        return
      }
      case 'slow':
        for (const s of this.order)
          if (this.random.next() < fault.fraction) s.answerDelayMs = fault.responseDelay
        return
    }
  }

  private scheduleSnapshot(): void {
    const elapsed = Date.now() - this.o.startAt
    const nextTick = Math.max(1, Math.floor(elapsed / 1000) + 1)
    this.snapshotTimer = setTimeout(
      () => {
        if (this.stopped) return
        this.o.onSnapshot?.(this.stats.snapshot(nextTick - 1))
        this.scheduleSnapshot()
      },
      this.o.startAt + nextTick * 1000 - Date.now(),
    )
  }

  /** The final snapshot (whatever happened since the last second) after every station stopped. */
  async stop(): Promise<StatsSnapshot> {
    this.stopped = true
    for (const t of [...this.timers, this.rampTimer, this.snapshotTimer]) clearTimeout(t)
    await Promise.all(this.order.map((s) => s.stop()))
    return this.stats.snapshot(Math.max(0, Math.floor((Date.now() - this.o.startAt) / 1000)))
  }
}
