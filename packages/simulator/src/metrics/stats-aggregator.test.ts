import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FleetStats } from './fleet-stats.js'
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  recordLatencyMs,
  summarizeLatency,
} from './latency-histogram.js'
import { StatsAggregator } from './stats-aggregator.js'

describe('latency recording', () => {
  it('reports HDR percentiles in milliseconds within 0.1 %, not averages', () => {
    const h = createLatencyHistogram()
    for (let i = 1; i <= 10_000; i++) recordLatencyMs(h, i / 10) // 0.1 ms … 1000 ms, uniform
    recordLatencyMs(h, 60_000)
    const s = summarizeLatency(h)
    assert.equal(s.count, 10_001)
    assert.ok(Math.abs(s.p50 - 500) / 500 < 0.001, `p50 ${s.p50}`)
    assert.ok(Math.abs(s.p99 - 990) / 990 < 0.001, `p99 ${s.p99}`)
    assert.ok(Math.abs(s.max - 60_000) / 60_000 < 0.001, `max ${s.max}`)
    assert.ok(s.mean > 500, 'the one outlier moves the mean, not the median')
  })

  it('survives the trip from a worker process to the supervisor', () => {
    const h = createLatencyHistogram()
    for (const v of [1, 2, 3, 250, 1_000]) recordLatencyMs(h, v)
    const { max, ...back } = summarizeLatency(decodeHistogram(encodeHistogram(h)))
    const { max: originalMax, ...original } = summarizeLatency(h)
    assert.deepEqual(back, original)
    assert.ok(
      Math.abs(max - originalMax) / originalMax < 0.001,
      'the maximum within the histogram resolution',
    )
  })
})

describe('StatsAggregator', () => {
  it('merges the upgrade (connect + admission) latencies of several workers', () => {
    const agg = new StatsAggregator(2)
    const a = new FleetStats()
    const b = new FleetStats()
    for (const v of [5, 6, 7]) a.connectOpened(v)
    b.connectOpened(2_000)
    agg.add(0, a.snapshot(0))
    agg.add(1, b.snapshot(0))
    agg.add(0, a.snapshot(1))
    assert.equal(a.snapshot(2).connect, undefined, 'a second without upgrades ships none')
    const c = agg.connectLatency()
    assert.equal(c.count, 4)
    assert.ok(c.p50 >= 5 && c.p50 <= 7.01, `p50 ${c.p50}`)
    assert.ok(Math.abs(c.max - 2_000) / 2_000 < 0.001, `max ${c.max}`)
  })

  it('merges the seconds of several workers into one timeline and run-wide per-action percentiles', () => {
    const a = new FleetStats()
    const b = new FleetStats()
    const agg = new StatsAggregator(2)
    a.connected = 3
    b.connected = 4
    for (let i = 0; i < 90; i++) a.callAnswered('Heartbeat', 10)
    for (let i = 0; i < 10; i++) b.callAnswered('Heartbeat', 1_000)
    b.callFailed('TransactionEvent', 'callerror', 'InternalError', 'not implemented yet')
    agg.add(0, a.snapshot(0))
    assert.equal(agg.timeline.length, 0, 'a second is final only once every worker reported it')
    agg.add(1, b.snapshot(0))
    assert.equal(agg.timeline.length, 1)
    const p = agg.timeline[0]
    assert.equal(p?.connected, 7)
    assert.equal(p?.calls, 101)
    assert.equal(p?.errors, 1)
    assert.ok(Math.abs((p?.p50 ?? 0) - 10) < 0.1)
    assert.ok(Math.abs((p?.p99 ?? 0) - 1_000) < 1)

    a.callAnswered('Heartbeat', 20)
    agg.add(0, a.snapshot(2)) // worker 0 skipped second 1
    agg.add(1, b.snapshot(2))
    assert.deepEqual(
      agg.timeline.map((x) => x.t),
      [0, 1, 2],
      'a skipped second is filled in',
    )
    const per = agg.perAction()
    assert.equal(per.Heartbeat?.ok, 101)
    assert.equal(per.TransactionEvent?.failed, 1)
    assert.deepEqual(agg.errors, { 'callerror TransactionEvent InternalError': 1 })
    assert.equal(agg.totalCalls, 102)
    assert.equal(agg.peakConnected, 7)
  })
})
