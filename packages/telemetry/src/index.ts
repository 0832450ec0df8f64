/** A span context passed along explicitly (never made active): see `openSpan`. */
export type { Context as TraceContext } from '@opentelemetry/api'
export type { CounterChild, CounterLabels, FastCounter } from './fast-counter.js'
export type { FastHistogram, HistogramChild, HistogramLabels } from './fast-histogram.js'
export { createLogger, type Logger } from './logger.js'
export { METRIC, type MetricName } from './metric-names.js'
export { createMetrics, LATENCY_BUCKETS, type Metrics } from './metrics.js'
export { type OpsServer, type OpsServerOptions, startOpsServer } from './ops-server.js'
export {
  endSpan,
  type HeaderCarrier,
  initTracing,
  injectTrace,
  type OpenSpan,
  openRootSpan,
  openSpan,
  type RootSpan,
  shutdownTracing,
  traceparentOf,
  tracestateOf,
  withSpan,
} from './tracing.js'
