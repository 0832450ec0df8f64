import { type Kysely, sql } from 'kysely'
import { DbError } from './db-error.js'
import { toDbError } from './to-db-error.js'

export type PingOptions = {
  /** Give up after this long; default 2 s. */
  timeoutMs?: number
  /** Told why a ping failed, for the log line a bare `false` cannot carry. */
  onError?: (error: DbError) => void
}

/**
 * One round trip (`select 1`) for readiness checks: true when the database answered.
 * Never throws and never waits longer than `timeoutMs`: a probe that hangs would keep a pod
 * "ready" while its database is gone.
 */
export async function pingDb<DB>(db: Kysely<DB>, options: PingOptions = {}): Promise<boolean> {
  const { timeoutMs = 2_000, onError } = options
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new DbError(`database did not answer within ${timeoutMs} ms`, { code: 'timeout', retryable: true }),
      )
    }, timeoutMs)
  })
  try {
    await Promise.race([sql`select 1`.execute(db), timeout])
    return true
  } catch (error) {
    onError?.(toDbError(error))
    return false
  } finally {
    clearTimeout(timer)
  }
}
