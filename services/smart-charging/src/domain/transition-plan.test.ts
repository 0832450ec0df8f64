import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planTransition } from './transition-plan.js'

describe('transition plan', () => {
  it('puts decreases in the first phase, worth-while increases in the second, biggest cuts first', () => {
    const plan = planTransition(
      [
        { key: 'a', boundW: 10_000, targetW: 4_000 },
        { key: 'b', boundW: 4_000, targetW: 10_000 },
        { key: 'c', boundW: 10_000, targetW: 10_050 },
        { key: 'd', boundW: 22_000, targetW: 0 },
      ],
      { minRaiseW: 100 },
    )
    assert.deepEqual(
      plan.lower.map((c) => c.key),
      ['d', 'a'],
    )
    assert.deepEqual(
      plan.raise.map((c) => c.key),
      ['b'],
    )
  })
})
