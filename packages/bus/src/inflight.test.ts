import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { inflightOf } from './inflight.js'

const aConnection = () => ({}) as NatsConnection
const aSubscription = (onDrain: () => void = () => {}) =>
  ({
    drain: async () => onDrain(),
  }) as unknown as Subscription

function deferred() {
  let resolve: () => void = () => {}
  let reject: (e: unknown) => void = () => {}
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('inflight tracker', () => {
  it('quiesces at once when nothing is in flight', async () => {
    const started = performance.now()
    await inflightOf(aConnection()).quiesce(5_000)
    assert.ok(performance.now() - started < 1_000)
  })

  it('waits for every started piece of work, failed ones included', async () => {
    const tracker = inflightOf(aConnection())
    const a = deferred()
    const b = deferred()
    void tracker.work(a.promise)
    tracker.work(b.promise).catch(() => {})
    let quiet = false
    const quiescing = tracker.quiesce(5_000).then(() => {
      quiet = true
    })
    a.resolve()
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(quiet, false)
    b.reject(new Error('handler failed'))
    await quiescing
    assert.equal(quiet, true)
  })

  it('drains subscriptions first and waits for work they start while draining', async () => {
    const tracker = inflightOf(aConnection())
    const late = deferred()
    tracker.subscription(aSubscription(() => void tracker.work(late.promise)))
    let quiet = false
    const quiescing = tracker.quiesce(5_000).then(() => {
      quiet = true
    })
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(quiet, false)
    late.resolve()
    await quiescing
    assert.equal(quiet, true)
  })

  it('gives up after the timeout', async () => {
    const tracker = inflightOf(aConnection())
    void tracker.work(new Promise<void>(() => {}))
    const started = performance.now()
    await tracker.quiesce(50)
    assert.ok(performance.now() - started < 2_000)
  })

  it('returns the promise it was given', async () => {
    const p = Promise.resolve(42)
    assert.equal(inflightOf(aConnection()).work(p), p)
  })
})
