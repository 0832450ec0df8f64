import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { waitFor } from './wait-for.js'

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0
    const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : undefined), { intervalMs: 1 })
    assert.equal(value, 'done after 3')
  })

  it('treats a throwing predicate as not yet', async () => {
    let calls = 0
    const value = await waitFor(
      () => {
        if (++calls < 2) throw new Error('refused')
        return true
      },
      { intervalMs: 1 },
    )
    assert.equal(value, true)
  })

  it('rejects on timeout, naming what it waited for and the last error', async () => {
    await assert.rejects(
      waitFor(
        () => {
          throw new Error('connection refused')
        },
        { timeoutMs: 50, intervalMs: 5, description: 'the server' },
      ),
      /timed out after 50 ms waiting for the server; last error: connection refused/,
    )
  })

  it('stops early with the reason of an aborted signal', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('server died')), 20)
    const started = Date.now()
    await assert.rejects(
      waitFor(() => false, { timeoutMs: 10_000, intervalMs: 5, signal: controller.signal }),
      /server died/,
    )
    assert.ok(Date.now() - started < 5_000)
  })
})
