import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { effectiveLimit, nextLimitChange } from './node-limits.js'
import { isOpen, openTimeMs } from './time-windows.js'

const at = (iso: string) => Date.parse(iso)

describe('node limits', () => {
  it('applies a scheduled drop ahead of time by the lead and lifts it when it ends', () => {
    const limits = {
      limitW: 100_000,
      schedule: [{ from: at('2026-03-02T08:00:00Z'), to: at('2026-03-02T10:00:00Z'), limitW: 40_000 }],
    }
    assert.equal(effectiveLimit(limits, at('2026-03-02T07:59:00Z'), 30_000).limitW, 100_000)
    assert.equal(effectiveLimit(limits, at('2026-03-02T07:59:40Z'), 30_000).limitW, 40_000)
    assert.equal(effectiveLimit(limits, at('2026-03-02T10:00:00Z'), 30_000).limitW, 100_000)
    assert.equal(nextLimitChange(limits, at('2026-03-02T07:00:00Z'), 30_000), at('2026-03-02T07:59:30Z'))
    assert.equal(nextLimitChange(limits, at('2026-03-02T09:00:00Z'), 30_000), at('2026-03-02T10:00:00Z'))
  })

  it('applies a time-of-use limit on its weekdays, across midnight', () => {
    const limits = { limitW: 100_000, timeOfUse: [{ days: [1], start: '22:00', end: '02:00', limitA: 50 }] }
    // 2026-03-02 is a Monday.
    assert.equal(effectiveLimit(limits, at('2026-03-02T23:00:00Z'), 0).limitA, 50)
    assert.equal(effectiveLimit(limits, at('2026-03-03T01:59:00Z'), 0).limitA, 50)
    assert.equal(effectiveLimit(limits, at('2026-03-03T23:00:00Z'), 0).limitA, undefined)
  })

  it('measures open charging time inside windows', () => {
    const windows = [{ start: '22:00', end: '06:00' }]
    assert.equal(isOpen(windows, at('2026-03-02T05:00:00Z')), true)
    assert.equal(isOpen(windows, at('2026-03-02T12:00:00Z')), false)
    assert.equal(openTimeMs(windows, at('2026-03-02T20:00:00Z'), at('2026-03-03T08:00:00Z')), 8 * 3_600_000)
  })
})
