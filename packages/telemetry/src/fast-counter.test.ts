import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Counter, Registry } from 'prom-client'
import { FastCounter } from './fast-counter.js'

const NAME = 'test_messages_total'
const HELP = 'A test counter'

function aRegistry(): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ service: 'x' })
  return registry
}

/** The same counter twice, ours and prom-client's, each in a registry of its own. */
function aPair<L extends string>(labelNames: readonly L[]) {
  const fast = aRegistry()
  const prom = aRegistry()
  return {
    fast: new FastCounter({ name: NAME, help: HELP, labelNames, registers: [fast] }),
    prom: new Counter({ name: NAME, help: HELP, labelNames: [...labelNames], registers: [prom] }),
    registries: { fast, prom },
    /** Both texts, split into lines so that a difference shows as one line. */
    lines: async () => [(await fast.metrics()).split('\n'), (await prom.metrics()).split('\n')] as const,
  }
}

describe('FastCounter', () => {
  it('prints a counter without labels as prom-client does, from zero on', async () => {
    const { fast, prom, lines } = aPair([])
    const [before, expectedBefore] = await lines()
    assert.deepEqual(before, expectedBefore)
    assert.ok(before.includes(`${NAME}{service="x"} 0`))
    for (const c of [fast, prom]) {
      c.inc()
      c.inc(0.1)
      c.inc(0.2)
      c.inc({}, 2.5)
      c.labels({}).inc()
    }
    const [after, expectedAfter] = await lines()
    assert.deepEqual(after, expectedAfter)
    assert.ok(after.includes(`${NAME}{service="x"} ${1 + 0.1 + 0.2 + 2.5 + 1}`))
  })

  it('prints what prom-client prints, line for line, for several label sets', async () => {
    const { fast, prom, lines } = aPair(['direction', 'action', 'outcome'] as const)
    const heartbeat = fast.labels({ direction: 'in', action: 'Heartbeat', outcome: 'ok' })
    const promHeartbeat = prom.labels({ direction: 'in', action: 'Heartbeat', outcome: 'ok' })
    const steps: Array<() => void> = [
      () => heartbeat.inc(),
      () => fast.inc({ direction: 'out', action: 'Reset', outcome: 'timeout' }),
      () => heartbeat.inc(0.25),
      () => fast.inc({ direction: 'in', action: 'Authorize', outcome: 'ok' }, 3),
      () => fast.inc({ outcome: 'timeout', action: 'Reset', direction: 'out' }, 1.5),
      () => fast.inc({ direction: 'in', action: 'unknown' }),
      () => fast.inc({ direction: 'in', action: 'Heartbeat', outcome: 'ok' }, 0),
      () => fast.inc(),
    ]
    const promSteps: Array<() => void> = [
      () => promHeartbeat.inc(),
      () => prom.inc({ direction: 'out', action: 'Reset', outcome: 'timeout' }),
      () => promHeartbeat.inc(0.25),
      () => prom.inc({ direction: 'in', action: 'Authorize', outcome: 'ok' }, 3),
      () => prom.inc({ outcome: 'timeout', action: 'Reset', direction: 'out' }, 1.5),
      () => prom.inc({ direction: 'in', action: 'unknown' }),
      () => prom.inc({ direction: 'in', action: 'Heartbeat', outcome: 'ok' }, 0),
      () => prom.inc(),
    ]
    for (const [i, step] of steps.entries()) {
      step()
      promSteps[i]!()
      const [ours, theirs] = await lines()
      assert.deepEqual(ours, theirs, `after step ${i}`)
    }
    const [ours] = await lines()
    assert.ok(ours.includes(`${NAME}{direction="in",action="Heartbeat",outcome="ok",service="x"} 1.25`))
    assert.ok(ours.includes(`${NAME}{direction="out",action="Reset",outcome="timeout",service="x"} 2.5`))
    assert.ok(ours.includes(`${NAME}{service="x"} 1`))
  })

  it('gives the same JSON as prom-client, through get() and the registry', async () => {
    const { fast, prom, registries } = aPair(['action'] as const)
    for (const c of [fast, prom]) {
      c.inc({ action: 'Heartbeat' }, 2)
      c.labels({ action: 'Authorize' }).inc()
    }
    // get() first: prom-client's getMetricsAsJSON writes the default labels into its own series.
    assert.deepEqual(await fast.get(), await prom.get())
    assert.deepEqual(await registries.fast.getMetricsAsJSON(), await registries.prom.getMetricsAsJSON())
    assert.equal(registries.fast.getSingleMetric(NAME), fast as unknown)
  })

  it('shows a series only once it is counted, like prom-client', async () => {
    const { fast, prom, lines } = aPair(['action'] as const)
    const idle = fast.labels({ action: 'Idle' })
    const promIdle = prom.labels({ action: 'Idle' })
    fast.inc({ action: 'Busy' })
    prom.inc({ action: 'Busy' })
    const [before, expectedBefore] = await lines()
    assert.deepEqual(before, expectedBefore)
    assert.equal(before.filter((l) => l.includes('Idle')).length, 0)
    idle.inc(2)
    promIdle.inc(2)
    const [after, expectedAfter] = await lines()
    assert.deepEqual(after, expectedAfter)
  })

  it('shares one series between the children of the same labels, whatever their key order', async () => {
    const { fast, lines } = aPair(['direction', 'action'] as const)
    const a = fast.labels({ direction: 'in', action: 'Heartbeat' })
    const b = fast.labels({ action: 'Heartbeat', direction: 'in' })
    assert.equal(a, b)
    a.inc()
    b.inc()
    fast.inc({ direction: 'in', action: 'Heartbeat' })
    const [ours] = await lines()
    assert.ok(ours.includes(`${NAME}{direction="in",action="Heartbeat",service="x"} 3`))
  })

  it('throws on a negative value, as prom-client does, and counts nothing', async () => {
    const { fast, prom, lines } = aPair(['action'] as const)
    const child = fast.labels({ action: 'Heartbeat' })
    const decrease = /It is not possible to decrease a counter/
    assert.throws(() => child.inc(-1), decrease)
    assert.throws(() => fast.inc({ action: 'Heartbeat' }, -0.5), decrease)
    assert.throws(() => fast.inc(-1), decrease)
    assert.throws(() => prom.inc({ action: 'Heartbeat' }, -0.5), decrease)
    const [ours, theirs] = await lines()
    assert.deepEqual(ours, theirs)
    assert.equal(ours.filter((l) => l.startsWith(NAME)).length, 0)
  })

  it('throws on a value that is not a finite number and counts nothing', async () => {
    const { fast, lines } = aPair([])
    const child = fast.labels({})
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(() => child.inc(value), TypeError)
      assert.throws(() => fast.inc(value), TypeError)
      assert.throws(() => fast.inc({}, value), TypeError)
    }
    const [ours] = await lines()
    assert.ok(ours.includes(`${NAME}{service="x"} 0`))
  })

  it('throws on a label name it was not given, for a child and for inc(labels)', () => {
    const { fast, prom } = aPair(['action'] as const)
    const unknown = { action: 'Heartbeat', station: 'CS1' } as never
    assert.throws(() => fast.labels(unknown), /"station"/)
    assert.throws(() => fast.inc(unknown), /"station"/)
    assert.throws(() => fast.inc(unknown, 2), /"station"/)
    assert.throws(() => prom.inc(unknown), /"station"/)
  })

  it('forgets every series on reset, keeps the zero series of no labels, and children keep working', async () => {
    const labelled = aPair(['action'] as const)
    const child = labelled.fast.labels({ action: 'Heartbeat' })
    child.inc()
    labelled.fast.inc({ action: 'Reset' }, 4)
    labelled.prom.inc({ action: 'Heartbeat' })
    labelled.fast.reset()
    labelled.prom.reset()
    const [empty, expectedEmpty] = await labelled.lines()
    assert.deepEqual(empty, expectedEmpty)
    assert.equal(empty.filter((l) => l.startsWith(NAME)).length, 0)
    labelled.prom.inc({ action: 'Reset' })
    labelled.fast.inc({ action: 'Reset' })
    child.inc(3)
    labelled.prom.inc({ action: 'Heartbeat' }, 3)
    const [ours, theirs] = await labelled.lines()
    assert.deepEqual(ours, theirs)

    const bare = aPair([])
    bare.fast.inc(5)
    bare.prom.inc(5)
    bare.fast.reset()
    bare.prom.reset()
    const [zero, expectedZero] = await bare.lines()
    assert.deepEqual(zero, expectedZero)
    assert.ok(zero.includes(`${NAME}{service="x"} 0`))
  })
})
