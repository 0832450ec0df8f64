import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLivenessBook } from './gateway-liveness-book.js'

const SWEEP = 250

describe('gateway liveness book', () => {
  it('finds a pod dead once its beacon is overdue, and reports it once', () => {
    const book = createLivenessBook({ defaultTtlMs: 1000, sweepMs: SWEEP, now: 0 })
    book.beat('gw-a', 500, 0)
    assert.deepEqual(book.sweep(250).lost, [])
    assert.deepEqual(book.sweep(500).lost, ['gw-a'])
    assert.deepEqual(book.sweep(750).lost, [])
    assert.equal(book.isHeard('gw-a'), false)
  })

  it('keeps a pod alive while it beacons', () => {
    const book = createLivenessBook({ defaultTtlMs: 1000, sweepMs: SWEEP, now: 0 })
    for (let t = 0; t <= 5000; t += SWEEP) {
      if (t % 250 === 0) book.beat('gw-a', 500, t)
      assert.deepEqual(book.sweep(t).lost, [])
    }
  })

  it('judges pods never heard only after a whole default TTL of listening', () => {
    const book = createLivenessBook({ defaultTtlMs: 1000, sweepMs: SWEEP, now: 0 })
    assert.equal(book.sweep(750).judgeUnheard, false)
    assert.equal(book.sweep(1000).judgeUnheard, true)
  })

  it('judges nobody while its own NATS link is down, and gives every pod a fresh TTL once it is back', () => {
    const book = createLivenessBook({ defaultTtlMs: 1000, sweepMs: SWEEP, now: 0 })
    book.beat('gw-a', 500, 0)
    book.linkLost()
    for (let t = 250; t <= 3000; t += SWEEP)
      assert.deepEqual(book.sweep(t), { lost: [], judgeUnheard: false })
    book.linkRestored(3000)
    assert.deepEqual(book.sweep(3250), { lost: [], judgeUnheard: false })
    // gw-a said nothing since the link came back: dead after its own TTL.
    assert.deepEqual(book.sweep(3500).lost, ['gw-a'])
    assert.equal(book.sweep(3750).judgeUnheard, false)
    assert.equal(book.sweep(4000).judgeUnheard, true)
  })

  it('skips the sweep that follows a stalled event loop: beacons may be waiting unread', () => {
    const book = createLivenessBook({ defaultTtlMs: 1000, sweepMs: SWEEP, now: 0 })
    book.beat('gw-a', 500, 0)
    book.sweep(250)
    assert.deepEqual(book.sweep(5000), { lost: [], judgeUnheard: false })
    // The beacons read after the stall keep it alive; without them the next sweep finds it dead.
    book.beat('gw-a', 500, 5010)
    assert.deepEqual(book.sweep(5250).lost, [])
    assert.deepEqual(book.sweep(5500).lost, [])
    assert.deepEqual(book.sweep(5750).lost, ['gw-a'])
  })
})
