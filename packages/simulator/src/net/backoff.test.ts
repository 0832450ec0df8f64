import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRandom } from '../util/random.js'
import { backoffBounds, backoffDelay, retryAfterDelay } from './backoff.js'

describe('reconnection back-off', () => {
  it('honours Retry-After as a floor and spreads a refused fleet over the random range', () => {
    assert.equal(retryAfterDelay(10, 5_000, 0), 10_000)
    assert.equal(retryAfterDelay(10, 5_000, 0.9999), 14_999)
    const random = createRandom(7)
    const seconds = new Set(
      Array.from({ length: 500 }, () => Math.floor(retryAfterDelay(10, 5_000, random.next()) / 1_000)),
    )
    assert.deepEqual([...seconds].sort(), [10, 11, 12, 13, 14], 'not all in the same second')
  })

  const policy = { minWaitMs: 1_000, randomRangeMs: 2_000, repeatTimes: 3 }

  it('doubles the wait after each failed attempt, up to repeatTimes doublings', () => {
    assert.equal(backoffDelay(policy, 0, 0), 1_000)
    assert.equal(backoffDelay(policy, 1, 0), 2_000)
    assert.equal(backoffDelay(policy, 2, 0), 4_000)
    assert.equal(backoffDelay(policy, 3, 0), 8_000)
    assert.equal(backoffDelay(policy, 9, 0), 8_000)
  })

  it('adds jitter within the random range, so a fleet does not come back in lockstep', () => {
    const random = createRandom(42)
    for (let attempt = 0; attempt < 6; attempt++) {
      const { min, max } = backoffBounds(policy, attempt)
      const seen = new Set<number>()
      for (let i = 0; i < 500; i++) {
        const d = backoffDelay(policy, attempt, random.next())
        assert.ok(d >= min && d <= max, `attempt ${attempt}: ${d} outside [${min}, ${max}]`)
        seen.add(Math.floor((d - min) / 200))
      }
      assert.ok(seen.size >= 9, 'the jitter spreads over the whole range')
    }
    assert.equal(backoffDelay(policy, 0, 0.999_999), 2_999)
  })
})
