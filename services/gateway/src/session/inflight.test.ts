import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createInflight } from './inflight.js'

describe('in-flight counter', () => {
  it('resolves idle() when the last CALL ends, at once when nothing is in flight', async () => {
    const inflight = createInflight()
    await inflight.idle()
    inflight.start()
    inflight.start()
    let idle = false
    const waiting = inflight.idle().then(() => {
      idle = true
    })
    inflight.end()
    await Promise.resolve()
    assert.equal(idle, false)
    inflight.end()
    await waiting
    assert.equal(inflight.count, 0)
  })
})
