import { setTimeout as delay } from 'node:timers/promises'

/**
 * Bounds a wait on something outside the test (a message reaching a service): a bug then fails
 * the test with a name instead of hanging it until the runner's five-minute timeout.
 */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  const abort = new AbortController()
  try {
    return await Promise.race([
      promise,
      delay(ms, undefined, { signal: abort.signal }).then(() => {
        throw new Error(`gave up after ${ms} ms waiting for ${what}`)
      }),
    ])
  } finally {
    abort.abort()
  }
}
