import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { FastCounter } from './fast-counter.js'
import { FastHistogram } from './fast-histogram.js'
import type { MetricName } from './metric-names.js'

// Latency buckets in seconds from 0.5 ms to 10 s: OCPP round trips span both ends.
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]

export type Metrics = {
  registry: Registry
  /** Our own counter, not prom-client's (see FastCounter): same text on /metrics. */
  counter<L extends string>(name: MetricName, help: string, labels?: readonly L[]): FastCounter<L>
  gauge<L extends string>(name: MetricName, help: string, labels?: readonly L[]): Gauge<L>
  /** Our own histogram, not prom-client's (see FastHistogram): same text on /metrics. */
  histogram<L extends string>(name: MetricName, help: string, labels?: readonly L[]): FastHistogram<L>
}

/** One registry per process, labelled with the service name, with Node's default metrics. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    counter: (name, help, labels = []) =>
      new FastCounter({ name, help, labelNames: labels, registers: [registry] }),
    gauge: (name, help, labels = []) =>
      new Gauge({ name, help, labelNames: [...labels], registers: [registry] }),
    histogram: (name, help, labels = []) =>
      new FastHistogram({ name, help, labelNames: labels, buckets: LATENCY_BUCKETS, registers: [registry] }),
  }
}
