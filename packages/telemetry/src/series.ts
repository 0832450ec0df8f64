import type { Metric, Registry } from 'prom-client'

/** Label values by label name, as prom-client takes them. */
export type LabelValues<L extends string> = Partial<Record<L, string | number>>

/** A series' labels, the caller's key order kept: prom-client prints them in that order. */
export type SeriesLabels = Readonly<Record<string, string | number>>

/** What the registry reads a metric from (`get`, or `getForPromString` when present). */
export type MetricExport<V> = {
  name: string
  help: string
  type: 'counter' | 'histogram'
  values: V[]
  aggregator: 'sum'
}

export type SeriesMetricOptions<L extends string> = {
  name: string
  help: string
  labelNames: readonly L[]
  registers: readonly Registry[]
}

/**
 * One labelled series. Like prom-client's, it is printed from its first update after it was made
 * or reset, in order of first update.
 */
export abstract class Series {
  private onShow = false

  constructor(
    /** The metric's series on show, which this one joins on its first update. */
    private readonly shown: Series[],
    readonly labels: SeriesLabels,
  ) {}

  /** Called after every update; does nothing once on show. */
  show(): void {
    if (this.onShow) return
    this.onShow = true
    this.shown.push(this)
  }

  /** Back to zero and off show; the metric empties its list of shown series itself. */
  clear(): void {
    this.onShow = false
    this.zero()
  }

  protected abstract zero(): void
}

/**
 * A metric registered into prom-client's Registry whose series are found once per label set, so
 * that a child's update touches only numbers. Subclasses add the update and export methods.
 */
export abstract class SeriesMetric<L extends string, S extends Series> {
  readonly aggregator = 'sum'
  readonly name: string
  readonly help: string
  /** Series updated since the last reset, in order of first update (prom-client's order). */
  protected readonly shown: S[] = []
  protected readonly labelNames: readonly string[]
  /** Series by their label values, one Map level per label name (no separator to escape). */
  private readonly byValues = new Map<unknown, unknown>()

  constructor(
    readonly type: 'counter' | 'histogram',
    opts: SeriesMetricOptions<L>,
  ) {
    this.name = opts.name
    this.help = opts.help
    this.labelNames = [...opts.labelNames]
    // The registry only reads name, help, type and the export methods; its type names
    // prom-client's own classes, hence the cast.
    for (const registry of opts.registers) registry.registerMetric(this as unknown as Metric)
  }

  /** Zeroes every series; children already handed out keep working. */
  reset(): void {
    for (const s of this.shown) s.clear()
    this.shown.length = 0
  }

  protected abstract newSeries(shown: Series[], labels: SeriesLabels): S

  protected exported<V>(values: V[]): MetricExport<V> {
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator }
  }

  /** The series of these label values, made on first use; throws on a label name not declared. */
  protected seriesOf(labels: LabelValues<L>): S {
    const given = labels as Record<string, string | number | undefined>
    for (const key of Object.keys(given)) {
      if (!this.labelNames.includes(key))
        throw new Error(
          `Added label "${key}" is not included in initial labelset: ${this.labelNames.join(', ')}`,
        )
    }
    // A missing label and an undefined one are the same series (prom-client's hash skips both);
    // 1 and '1' too, since both print as 1.
    let level: Map<unknown, unknown> = this.byValues
    for (let i = 0; i < this.labelNames.length - 1; i++) {
      const key = keyOf(given[this.labelNames[i]!])
      let next = level.get(key) as Map<unknown, unknown> | undefined
      if (next === undefined) {
        next = new Map()
        level.set(key, next)
      }
      level = next
    }
    const last = keyOf(this.labelNames.length > 0 ? given[this.labelNames.at(-1)!] : undefined)
    let s = level.get(last) as S | undefined
    if (s === undefined) {
      const kept: Record<string, string | number> = {}
      for (const [k, v] of Object.entries(given)) if (v !== undefined) kept[k] = v
      s = this.newSeries(this.shown, kept)
      level.set(last, s)
    }
    return s
  }
}

function keyOf(value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : String(value)
}
