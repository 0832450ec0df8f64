import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hashPassword } from './password-hash.js'
import { createPasswordVerifier } from './password-verifier.js'
import { createVerifiedCache } from './verified-cache.js'

const RIGHT = 'right-password-00001'
const WRONG = 'wrong-password-00001'

describe('station password checks for admissions', () => {
  it('reuses a verified password: the second admission costs no scrypt', async () => {
    const hash = await hashPassword(RIGHT)
    const v = createPasswordVerifier({ cache: createVerifiedCache(60_000), concurrency: 2 })
    assert.equal(await v.verify('CS-1', RIGHT, hash), true)
    assert.equal(v.checks(), 1)
    assert.equal(await v.verify('CS-1', RIGHT, hash), true)
    assert.equal(v.checks(), 1, 'answered from the cache')
  })

  it('still refuses a wrong password after the right one was cached, and checks it each time', async () => {
    const hash = await hashPassword(RIGHT)
    const v = createPasswordVerifier({ cache: createVerifiedCache(60_000), concurrency: 2 })
    assert.equal(await v.verify('CS-2', RIGHT, hash), true)
    assert.equal(await v.verify('CS-2', WRONG, hash), false)
    assert.equal(await v.verify('CS-2', WRONG, hash), false)
    assert.equal(v.checks(), 3, 'failures are never cached')
    assert.equal(await v.verify('CS-2', RIGHT, hash), true)
    assert.equal(v.checks(), 3, 'and a failure does not evict the success')
  })

  it('does not carry a cached success over to another station or a changed stored hash', async () => {
    const hash = await hashPassword(RIGHT)
    const v = createPasswordVerifier({ cache: createVerifiedCache(60_000), concurrency: 2 })
    assert.equal(await v.verify('CS-3', RIGHT, hash), true)
    assert.equal(await v.verify('CS-4', RIGHT, hash), true)
    assert.equal(v.checks(), 2)
    const rotated = await hashPassword('next-password-000001')
    assert.equal(await v.verify('CS-3', RIGHT, rotated), false, 'the new stored hash decides')
  })

  it('runs one scrypt for identical concurrent checks (a station retrying on two gateways)', async () => {
    const hash = await hashPassword(RIGHT)
    const v = createPasswordVerifier({ cache: createVerifiedCache(60_000), concurrency: 2 })
    const answers = await Promise.all(Array.from({ length: 5 }, () => v.verify('CS-5', RIGHT, hash)))
    assert.deepEqual(answers, [true, true, true, true, true])
    assert.equal(v.checks(), 1)
  })

  it('runs at most `concurrency` checks at once', async () => {
    let running = 0
    let most = 0
    const v = createPasswordVerifier({
      cache: createVerifiedCache(60_000),
      concurrency: 2,
      verify: async () => {
        running++
        most = Math.max(most, running)
        await new Promise((r) => setTimeout(r, 5))
        running--
        return true
      },
    })
    await Promise.all(Array.from({ length: 10 }, (_, i) => v.verify(`CS-${i}`, RIGHT, 'h')))
    assert.equal(most, 2)
    assert.equal(v.checks(), 10)
  })

  it('answers timeout for a check that waited too long for a slot, without running it', async () => {
    let clock = 0
    let release: () => void = () => {}
    const v = createPasswordVerifier({
      cache: createVerifiedCache(60_000),
      concurrency: 1,
      maxWaitMs: 1_000,
      now: () => clock,
      verify: () => new Promise((r) => (release = () => r(true))),
    })
    const first = v.verify('CS-A', RIGHT, 'h')
    const queued = v.verify('CS-B', RIGHT, 'h')
    clock = 2_000
    await new Promise((r) => setImmediate(r)) // the first check has started
    release()
    assert.equal(await first, true)
    await assert.rejects(queued, (e: Error & { code?: string }) => e.code === 'timeout')
    assert.equal(v.checks(), 1)
  })

  it('hashes new passwords in the same slots, so bulk registration cannot crowd out checks', async () => {
    const order: string[] = []
    const v = createPasswordVerifier({
      cache: createVerifiedCache(60_000),
      concurrency: 1,
      verify: () => new Promise((r) => setTimeout(() => r(true), 1_000)),
    })
    const check = v.verify('CS-H', RIGHT, 'h').then(() => order.push('check'))
    const hashed = v.hash(RIGHT).then((stored) => {
      order.push('hash')
      return stored
    })
    await Promise.all([check, hashed])
    assert.deepEqual(order, ['check', 'hash'], 'the hash waited for the only slot')
    assert.match(await hashed, /^scrypt\$/)
  })

  it('keeps the event loop free while scrypt runs (threadpool, not the main thread)', async () => {
    const hash = await hashPassword(RIGHT)
    const v = createPasswordVerifier({ cache: createVerifiedCache(0), concurrency: 2 })
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const checks = Array.from({ length: 4 }, (_, i) => v.verify(`CS-T${i}`, RIGHT, hash))
    const first = await Promise.race(checks)
    const ticksWhileFirstRan = ticks
    await Promise.all(checks)
    clearInterval(timer)
    assert.equal(first, true)
    assert.ok(ticksWhileFirstRan >= 2, `a 1 ms timer fired ${ticksWhileFirstRan} times during a check`)
  })
})
