import {
  type LabelValues,
  Series,
  type SeriesLabels,
  SeriesMetric,
  type SeriesMetricOptions,
} from './series.js'

/** Label values by label name, as prom-client takes them. */
export type HistogramLabels<L extends string> = LabelValues<L>

/** One labelled series of a histogram: `observe` is the hot path. */
export type HistogramChild = { observe(value: number): void }

export type FastHistogramOptions<L extends string> = SeriesMetricOptions<L> & {
  /** Upper bounds in ascending order; "+Inf" is implied. */
  buckets: readonly number[]
}

class HistogramSeries extends Series implements HistogramChild {
  /** Observations per bucket, not cumulative; the ones above the last bound only count. */
  private readonly counts: Float64Array
  sum = 0
  count = 0

  constructor(
    shown: Series[],
    labels: SeriesLabels,
    private readonly bounds: readonly number[],
  ) {
    super(shown, labels)
    this.counts = new Float64Array(bounds.length)
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`)
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    if (i < bounds.length) this.counts[i] = this.counts[i]! + 1
    this.sum += value
    this.count++
    this.show()
  }

  protected zero(): void {
    this.counts.fill(0)
    this.sum = 0
    this.count = 0
  }

  /** prom-client's export shape: the series labels go in `sharedLabels`, cumulative buckets. */
  export(name: string, out: ExportedValue[]): void {
    const bounds = this.bounds
    let acc = 0
    for (let i = 0; i < bounds.length; i++) {
      acc += this.counts[i]!
      out.push({
        labels: { le: bounds[i]! },
        sharedLabels: this.labels,
        value: acc,
        metricName: `${name}_bucket`,
      })
    }
    out.push(
      { labels: { le: '+Inf' }, sharedLabels: this.labels, value: this.count, metricName: `${name}_bucket` },
      { labels: {}, sharedLabels: this.labels, value: this.sum, metricName: `${name}_sum` },
      { labels: {}, sharedLabels: this.labels, value: this.count, metricName: `${name}_count` },
    )
  }
}

type ExportedValue = {
  labels: Record<string, string | number>
  sharedLabels: SeriesLabels
  value: number
  metricName: string
}

/**
 * A histogram registered into prom-client's Registry that prints the same text as prom-client's
 * own. Why not use that one: its `observe`, even on a `.labels()` child, validates the labels,
 * hashes them into a string (sorting keys), and looks the bucket up by the bound turned into a
 * string key, on every call. Here a child finds its series once, in `labels()`, and `observe`
 * only walks the bounds and bumps numbers, allocating nothing.
 */
export class FastHistogram<L extends string> extends SeriesMetric<L, HistogramSeries> {
  private readonly bounds: readonly number[]

  constructor(opts: FastHistogramOptions<L>) {
    if (opts.labelNames.includes('le' as L)) throw new Error('le is a reserved label keyword')
    super('histogram', opts)
    this.bounds = [...opts.buckets]
    // Like prom-client: a histogram without labels shows its (zero) series from the start.
    if (this.labelNames.length === 0) this.seriesOf({}).show()
  }

  /** The child for these label values: keep it and call `observe` on it in hot paths. */
  labels(labels: HistogramLabels<L>): HistogramChild {
    return this.seriesOf(labels)
  }

  /** Convenience for cold paths: finds the series on every call. */
  observe(labels: HistogramLabels<L>, value: number): void {
    this.seriesOf(labels).observe(value)
  }

  async get() {
    const { values, ...rest } = await this.getForPromString()
    // The JSON form wants the series labels merged in (prom-client's splayLabels).
    return {
      ...rest,
      values: values.map(({ sharedLabels, labels, ...v }) => ({
        ...v,
        labels: { ...labels, ...sharedLabels },
      })),
    }
  }

  /** What the registry prints from when present (it prints `sharedLabels` after `le`). */
  async getForPromString() {
    const values: ExportedValue[] = []
    for (const s of this.shown) s.export(this.name, values)
    return this.exported(values)
  }

  protected newSeries(shown: Series[], labels: SeriesLabels): HistogramSeries {
    return new HistogramSeries(shown, labels, this.bounds)
  }
}
