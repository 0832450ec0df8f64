import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createFailureLimiter } from './failure-limiter.js'

describe('failed admission limiter', () => {
  it('blocks a key after the allowed failures and releases it after the window', () => {
    const limiter = createFailureLimiter(3, 1_000)
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.isBlocked('A', 100 + i), false)
      limiter.recordFailure('A', 100 + i)
    }
    assert.equal(limiter.isBlocked('A', 200), true)
    assert.equal(limiter.isBlocked('B', 200), false)
    assert.equal(limiter.isBlocked('A', 1_200), false)
  })

  it('keeps memory bounded in keys and in entries per key', () => {
    const limiter = createFailureLimiter(2, 1_000, 2)
    for (let i = 0; i < 100; i++) limiter.recordFailure('A', 100)
    limiter.recordFailure('B', 100)
    limiter.recordFailure('C', 100)
    assert.equal(limiter.isBlocked('A', 100), false, 'the oldest key made room for a new one')
    assert.equal(limiter.isBlocked('B', 100), false)
    limiter.recordFailure('C', 101)
    assert.equal(limiter.isBlocked('C', 101), true)
  })
})
