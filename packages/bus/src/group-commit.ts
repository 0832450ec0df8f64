import { AppError } from './app-error.js'

export type GroupCommitOptions = {
  /** Most items in one write (one multi-row statement per table). */
  maxBatch: number
  /** Writes running at once; further items queue and leave together as soon as one finishes. */
  maxConcurrent: number
  /**
   * An item that waited longer than this (since it arrived, not since it was queued) is failed
   * with a retryable `timeout` without being written: the asker (the gateway, whose NATS request
   * gives up after its own deadline) is no longer listening, so writing it is wasted work.
   */
  maxWaitMs?: number
  now?: () => number
}

export type GroupCommit<T, R> = {
  /** Resolves with the item's result once the write that holds it has committed. */
  submit(item: T, arrivedAt?: number): Promise<R>
  /** Writes started, items written and items shed so far, for tests and metrics. */
  stats(): { writes: number; items: number; shed: number; queued: number }
}

type Entry<T, R> = { item: T; since: number; resolve(r: R): void; reject(e: unknown): void }

/**
 * Group commit: concurrent writes of one kind leave as one statement. The first item after a
 * quiet moment is written in the next event-loop turn together with everything that arrived in
 * the same turn (a burst of NATS messages is parsed in one turn); while `maxConcurrent` writes
 * run, new items queue and leave together as soon as one finishes. So a reconnect storm costs
 * database round trips, not one statement (and one pool connection) per station, and a quiet
 * system still answers in one round trip. `write` returns one result per item, in order; when
 * it throws, every item of that write fails with its error (nothing is answered as written).
 */
export function createGroupCommit<T, R>(
  write: (items: readonly T[]) => Promise<readonly R[]>,
  o: GroupCommitOptions,
): GroupCommit<T, R> {
  const now = o.now ?? Date.now
  let queue: Entry<T, R>[] = []
  let running = 0
  let scheduled = false
  let writes = 0
  let items = 0
  let shed = 0

  const kick = () => {
    if (scheduled || running >= o.maxConcurrent || queue.length === 0) return
    scheduled = true
    setImmediate(flush)
  }

  function take(): Entry<T, R>[] {
    const cutoff = o.maxWaitMs === undefined ? Number.NEGATIVE_INFINITY : now() - o.maxWaitMs
    const batch: Entry<T, R>[] = []
    let i = 0
    for (; i < queue.length && batch.length < o.maxBatch; i++) {
      const e = queue[i] as Entry<T, R>
      if (e.since >= cutoff) batch.push(e)
      else {
        shed++
        e.reject(new AppError('timeout', `waited over ${o.maxWaitMs} ms for its turn at the database`))
      }
    }
    queue = i === queue.length ? [] : queue.slice(i)
    return batch
  }

  function flush(): void {
    scheduled = false
    if (running >= o.maxConcurrent || queue.length === 0) return
    const batch = take()
    if (batch.length === 0) return kick()
    running++
    writes++
    items += batch.length
    kick()
    write(batch.map((e) => e.item))
      .then(
        (results) => {
          for (const [i, e] of batch.entries()) e.resolve(results[i] as R)
        },
        (error: unknown) => {
          for (const e of batch) e.reject(error)
        },
      )
      .finally(() => {
        running--
        kick()
      })
  }

  return {
    submit(item, arrivedAt) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, since: arrivedAt ?? now(), resolve, reject })
        kick()
      })
    },
    stats: () => ({ writes, items, shed, queued: queue.length }),
  }
}
