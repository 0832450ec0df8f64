import {
  type LabelValues,
  type MetricExport,
  Series,
  type SeriesLabels,
  SeriesMetric,
  type SeriesMetricOptions,
} from './series.js'

/** Label values by label name, as prom-client takes them. */
export type CounterLabels<L extends string> = LabelValues<L>

/** One labelled series of a counter: `inc` is the hot path. */
export type CounterChild = { inc(value?: number): void }

export type FastCounterOptions<L extends string> = SeriesMetricOptions<L>

class CounterSeries extends Series implements CounterChild {
  value = 0

  inc(value = 1): void {
    // prom-client lets NaN through (and then prints "Nan" for good); a counter never recovers.
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`)
    if (value < 0) throw new Error('It is not possible to decrease a counter')
    this.value += value
    this.show()
  }

  protected zero(): void {
    this.value = 0
  }
}

/**
 * A counter registered into prom-client's Registry that prints the same text as prom-client's
 * own. Why not use that one: its `inc`, even on a `.labels()` child, hashes the label object into
 * a string and validates it on every call. Here a child finds its series once, in `labels()`, and
 * `inc` only checks the value and adds it, allocating nothing.
 */
export class FastCounter<L extends string> extends SeriesMetric<L, CounterSeries> {
  /** The series of no labels, which `inc()` and `inc(value)` count on. */
  private readonly bare: CounterSeries

  constructor(opts: FastCounterOptions<L>) {
    super('counter', opts)
    this.bare = this.seriesOf({})
    this.showBare()
  }

  /** The child for these label values: keep it and call `inc` on it in hot paths. */
  labels(labels: CounterLabels<L>): CounterChild {
    return this.seriesOf(labels)
  }

  /** Counts on the series of no labels. */
  inc(value?: number): void
  /** Convenience for cold paths: finds the series on every call. */
  inc(labels: CounterLabels<L>, value?: number): void
  inc(labelsOrValue?: CounterLabels<L> | number, value?: number): void {
    if (typeof labelsOrValue === 'object') this.seriesOf(labelsOrValue).inc(value)
    else this.bare.inc(labelsOrValue)
  }

  override reset(): void {
    super.reset()
    this.showBare()
  }

  /** What the registry prints from: prom-client's counter has the series labels in `labels`. */
  async get(): Promise<MetricExport<{ value: number; labels: SeriesLabels }>> {
    return this.exported(this.shown.map((s) => ({ value: s.value, labels: s.labels })))
  }

  protected newSeries(shown: Series[], labels: SeriesLabels): CounterSeries {
    return new CounterSeries(shown, labels)
  }

  /** Like prom-client: a counter without labels shows its (zero) series from the start and after a reset. */
  private showBare(): void {
    if (this.labelNames.length === 0) this.bare.show()
  }
}
