import { setTimeout as sleep } from 'node:timers/promises'
import { TestkitError } from './testkit-error.js'

export type WaitForOptions = {
  /** Give up after this long; generous by default because shared 2-core machines are slow. */
  timeoutMs?: number
  intervalMs?: number
  /** What is being waited for, for the timeout message ("nats-server on port 4222"). */
  description?: string
  /** Ends the wait early (a server process died): rejects with the signal's reason. */
  signal?: AbortSignal
}

/** What a predicate may answer: a truthy value ends the wait and becomes its result. */
export type WaitForResult<T> = T | undefined | null | false

/**
 * Polls `predicate` until it returns a truthy value and resolves with that value.
 * A predicate that throws counts as "not yet" (a connection refused while a server boots);
 * the last such error is named in the timeout message so the cause is not lost.
 */
export async function waitFor<T>(
  predicate: () => WaitForResult<T> | Promise<WaitForResult<T>>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, description = 'condition', signal } = options
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    signal?.throwIfAborted()
    try {
      const result = await predicate()
      if (result !== undefined && result !== null && result !== false) return result
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : ''
      throw new TestkitError(`timed out after ${timeoutMs} ms waiting for ${description}${reason}`, {
        cause: lastError,
      })
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now()))).then(() => signal?.throwIfAborted())
  }
}
