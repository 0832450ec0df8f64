import { createHash } from 'node:crypto'
import { AppError } from '@csms/bus'
import { hashPassword, verifyPassword } from './password-hash.js'
import type { VerifiedCache } from './verified-cache.js'

export type PasswordVerifierOptions = {
  cache: VerifiedCache
  /**
   * scrypt runs at most this many at once. Each one occupies a libuv threadpool thread for tens
   * of milliseconds (and 16 MiB); keeping this below the pool size leaves threads for DNS and
   * file work, and keeping it at the core count keeps a password flood from taking every core.
   */
  concurrency: number
  /** A check that waited longer than this for a free slot is answered `timeout` unchecked. */
  maxWaitMs?: number
  /** The slow check itself (tests count calls through it). */
  verify?: (password: string, hash: string) => Promise<boolean>
  now?: () => number
}

export type PasswordVerifier = {
  verify(stationId: string, password: string, hash: string): Promise<boolean>
  /** scrypt checks started (cache hits and shared checks excluded). */
  checks(): number
  /**
   * Hashes a new password in the same slots, so that registering stations in bulk does not
   * take every threadpool thread from admissions (and from DNS and file work).
   */
  hash(password: string): Promise<string>
}

/**
 * Station password checks for admissions: a recent success for the same station, password and
 * stored hash comes from the cache; identical checks in flight share one scrypt; the rest queue
 * for one of `concurrency` slots on the threadpool (the event loop never waits on scrypt).
 * Only successes are cached, and every entry is bound to the stored hash, so a wrong password is
 * always checked and a changed password invalidates what was cached.
 */
export function createPasswordVerifier(o: PasswordVerifierOptions): PasswordVerifier {
  const slow = o.verify ?? verifyPassword
  const now = o.now ?? Date.now
  const inFlight = new Map<string, Promise<boolean>>()
  const waiting: Array<{
    start(): void
    since: number
    fail(e: unknown): void
    maxWaitMs: number | undefined
  }> = []
  let active = 0
  let checks = 0

  const release = () => {
    active--
    while (waiting.length > 0 && active < o.concurrency) {
      const next = waiting.shift() as (typeof waiting)[number]
      if (next.maxWaitMs !== undefined && now() - next.since > next.maxWaitMs) {
        next.fail(new AppError('timeout', `password check waited over ${next.maxWaitMs} ms`))
        continue
      }
      active++
      next.start()
    }
  }

  /** Runs `work` in one of the `concurrency` slots, after whatever queued before it. */
  const inSlot = <T>(work: () => Promise<T>, maxWaitMs: number | undefined) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        Promise.resolve().then(work).then(resolve, reject).finally(release)
      }
      if (active < o.concurrency) {
        active++
        start()
      } else waiting.push({ start, since: now(), fail: reject, maxWaitMs })
    })

  const run = (password: string, hash: string) =>
    inSlot(() => {
      checks++
      return slow(password, hash)
    }, o.maxWaitMs)

  return {
    async verify(stationId, password, hash) {
      if (o.cache.has(stationId, password, hash)) return true
      const key = `${stationId}\u0000${hash}\u0000${createHash('sha256').update(password).digest('base64')}`
      const shared = inFlight.get(key)
      if (shared) return shared
      const check = run(password, hash)
        .then((ok) => {
          if (ok) o.cache.add(stationId, password, hash)
          return ok
        })
        .finally(() => inFlight.delete(key))
      inFlight.set(key, check)
      return check
    },
    checks: () => checks,
    // Registrations wait as long as it takes: nobody's connection depends on them.
    hash: (password) => inSlot(() => hashPassword(password), undefined),
  }
}
