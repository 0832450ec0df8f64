import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js'

export type { Histogram }

/** Microseconds from 1 µs to 10 minutes at 3 significant digits (0.1 % resolution). */
const HIGHEST_US = 600_000_000

export function createLatencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  })
}

/** Records a latency given in milliseconds; anything past 10 minutes counts as 10 minutes. */
export function recordLatencyMs(h: Histogram, ms: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1_000))))
}

/** Percentiles in milliseconds, as the reports show them. */
export type LatencySummary = {
  count: number
  p50: number
  p90: number
  p95: number
  p99: number
  p999: number
  max: number
  mean: number
}

const ms = (us: number) => Math.round(us) / 1_000

export function summarizeLatency(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 }
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  }
}

/** Compact text form to ship a histogram from a worker process to the supervisor. */
export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h)
}

export function decodeHistogram(text: string): Histogram {
  return decodeFromCompressedBase64(text)
}
