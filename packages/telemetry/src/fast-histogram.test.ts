import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Histogram, Registry } from 'prom-client'
import { FastHistogram } from './fast-histogram.js'

const BUCKETS = [0.001, 0.01, 0.1, 1, 10]
const NAME = 'test_duration_seconds'
const HELP = 'A test histogram'

function aRegistry(): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ service: 'gateway' })
  return registry
}

/** The same histogram twice, ours and prom-client's, each in a registry of its own. */
function aPair<L extends string>(labelNames: readonly L[]) {
  const fast = aRegistry()
  const prom = aRegistry()
  const config = { name: NAME, help: HELP, labelNames, buckets: BUCKETS }
  return {
    fast: new FastHistogram({ ...config, registers: [fast] }),
    prom: new Histogram({ ...config, labelNames: [...labelNames], registers: [prom] }),
    texts: async () => [await fast.metrics(), await prom.metrics()] as const,
    json: async () => [await fast.getMetricsAsJSON(), await prom.getMetricsAsJSON()] as const,
  }
}

describe('FastHistogram', () => {
  it('prints what prom-client prints, line for line, for several label sets', async () => {
    const { fast, prom, texts } = aPair(['direction', 'action'] as const)
    const heartbeat = fast.labels({ direction: 'in', action: 'Heartbeat' })
    // On a bound, between bounds, above the last one, zero, negative; a second series in between.
    const observations: Array<[{ direction: string; action: string }, number]> = [
      [{ direction: 'in', action: 'Heartbeat' }, 0.001],
      [{ direction: 'in', action: 'Heartbeat' }, 0.0042],
      [{ direction: 'out', action: 'Reset' }, 10],
      [{ direction: 'in', action: 'Heartbeat' }, 12.5],
      [{ direction: 'in', action: 'Heartbeat' }, 0],
      [{ direction: 'out', action: 'Reset' }, 0.1],
      [{ direction: 'in', action: 'Heartbeat' }, -1],
      [{ direction: 'in', action: 'Authorize' }, 1],
      [{ direction: 'in', action: 'Heartbeat' }, 0.3],
    ]
    for (const [labels, value] of observations) {
      prom.observe(labels, value)
      if (labels.action === 'Heartbeat') heartbeat.observe(value)
      else fast.observe(labels, value)
    }
    const [ours, theirs] = await texts()
    assert.deepEqual(ours.split('\n'), theirs.split('\n'))
    assert.match(
      ours,
      /test_duration_seconds_bucket\{le="\+Inf",service="gateway",direction="out",action="Reset"\} 2/,
    )
  })

  it('gives the same JSON as prom-client', async () => {
    const { fast, prom, json } = aPair(['action'] as const)
    for (const v of [0.5, 0.01, 20]) {
      fast.observe({ action: 'Heartbeat' }, v)
      prom.observe({ action: 'Heartbeat' }, v)
    }
    const [ours, theirs] = await json()
    // Exemplars exist only in OpenMetrics registries; prom-client lists them as null anyway.
    const withoutExemplars = (metrics: typeof theirs) =>
      metrics.map((m) => ({
        ...m,
        values: m.values.map((v) => {
          const { exemplar: _, ...rest } = v as typeof v & { exemplar?: unknown }
          return rest
        }),
      }))
    assert.deepEqual(ours, withoutExemplars(theirs))
  })

  it('prints a histogram without labels as prom-client does, observed or not', async () => {
    const { fast, prom, texts } = aPair([])
    const [before, expected] = await texts()
    assert.equal(before, expected)
    fast.labels({}).observe(0.02)
    prom.observe(0.02)
    const [after, expectedAfter] = await texts()
    assert.equal(after, expectedAfter)
  })

  it('shows a series only once it is observed, like prom-client', async () => {
    const { fast, prom, texts } = aPair(['action'] as const)
    const idle = fast.labels({ action: 'Idle' })
    prom.labels({ action: 'Idle' })
    fast.observe({ action: 'Busy' }, 1)
    prom.observe({ action: 'Busy' }, 1)
    idle.observe(2)
    prom.observe({ action: 'Idle' }, 2)
    const [ours, theirs] = await texts()
    assert.deepEqual(ours.split('\n'), theirs.split('\n'))
  })

  it('shares one series between the children of the same labels, whatever their key order', async () => {
    const { fast, texts } = aPair(['direction', 'action'] as const)
    const a = fast.labels({ direction: 'in', action: 'Heartbeat' })
    const b = fast.labels({ action: 'Heartbeat', direction: 'in' })
    assert.equal(a, b)
    a.observe(0.5)
    b.observe(0.5)
    fast.observe({ direction: 'in', action: 'Heartbeat' }, 0.5)
    const [ours] = await texts()
    assert.match(ours, /test_duration_seconds_count\{service="gateway",direction="in",action="Heartbeat"\} 3/)
    assert.equal(ours.match(/_count\{/g)?.length, 1)
  })

  it('throws on a label name it was not given, when the child is made', () => {
    const { fast } = aPair(['action'] as const)
    assert.throws(() => fast.labels({ action: 'Heartbeat', station: 'CS1' } as never), /"station"/)
  })

  it('throws on a value that is not a finite number and records nothing', async () => {
    const { fast, texts } = aPair(['action'] as const)
    const child = fast.labels({ action: 'Heartbeat' })
    assert.throws(() => child.observe(Number.NaN), TypeError)
    assert.throws(() => child.observe(Number.POSITIVE_INFINITY), TypeError)
    const [ours] = await texts()
    assert.doesNotMatch(ours, /_count/)
  })

  it('forgets every series on reset, and children keep working afterwards', async () => {
    const { fast, prom, texts } = aPair(['action'] as const)
    const child = fast.labels({ action: 'Heartbeat' })
    child.observe(0.5)
    fast.observe({ action: 'Reset' }, 0.5)
    prom.observe({ action: 'Heartbeat' }, 0.5)
    fast.reset()
    prom.reset()
    const [empty, expectedEmpty] = await texts()
    assert.equal(empty, expectedEmpty)
    assert.doesNotMatch(empty, /_bucket/)
    child.observe(3)
    prom.observe({ action: 'Heartbeat' }, 3)
    const [ours, theirs] = await texts()
    assert.deepEqual(ours.split('\n'), theirs.split('\n'))
  })
})
