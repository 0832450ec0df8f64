import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api'
import { randomSpanId, randomTraceId } from './random-ids.js'

describe('random trace and span ids', () => {
  it('are valid W3C ids, distinct across many pool refills, with every hex digit in use', () => {
    const traces = new Set<string>()
    const spans = new Set<string>()
    const digits = new Set<string>()
    for (let i = 0; i < 5_000; i++) {
      const t = randomTraceId()
      const s = randomSpanId()
      assert.ok(isValidTraceId(t), t)
      assert.ok(isValidSpanId(s), s)
      traces.add(t)
      spans.add(s)
      for (const d of t) digits.add(d)
    }
    assert.equal(traces.size, 5_000)
    assert.equal(spans.size, 5_000)
    assert.equal(digits.size, 16)
  })
})
