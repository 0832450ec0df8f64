import { AppError } from '@csms/bus'

export type BatchLoaderOptions = {
  /** Most keys in one load (one `where key = any($1)` query). */
  maxBatch: number
  /** Loads running at once; further keys wait and join the next batch. */
  maxConcurrent: number
  /**
   * A key that waited longer than this for its batch is answered `timeout` without a load: the
   * asker (the gateway, with its own deadline) has given up on it or is about to.
   */
  maxWaitMs?: number
  now?: () => number
}

export type BatchLoader<V> = {
  load(key: string): Promise<V | undefined>
  /** Loads started and keys asked so far, for tests and metrics. */
  stats(): { loads: number; keys: number; shed: number }
}

type Waiter<V> = { resolve(v: V | undefined): void; reject(e: unknown): void; since: number }

/**
 * Coalesces lookups by key into few queries. The first key after a quiet moment is loaded in the
 * next event-loop turn together with every key that arrived in the same turn (a burst of NATS
 * messages is parsed in one turn); while `maxConcurrent` loads run, new keys queue and leave
 * together as soon as one finishes. So under a reconnection storm the query count grows with
 * database round trips, not with stations, and a quiet system still answers in one round trip.
 * The same key asked twice before its batch leaves is loaded once.
 */
export function createBatchLoader<V>(
  loadMany: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
  o: BatchLoaderOptions,
): BatchLoader<V> {
  const now = o.now ?? Date.now
  const queue = new Map<string, Waiter<V>[]>()
  let running = 0
  let scheduled = false
  let loads = 0
  let keys = 0
  let shed = 0

  const kick = () => {
    if (scheduled || running >= o.maxConcurrent || queue.size === 0) return
    scheduled = true
    setImmediate(flush)
  }

  function flush(): void {
    scheduled = false
    if (running >= o.maxConcurrent || queue.size === 0) return
    const batch = new Map<string, Waiter<V>[]>()
    const cutoff = o.maxWaitMs === undefined ? Number.NEGATIVE_INFINITY : now() - o.maxWaitMs
    for (const [key, waiters] of queue) {
      if (batch.size >= o.maxBatch) break
      queue.delete(key)
      const fresh: Waiter<V>[] = []
      for (const w of waiters) {
        if (w.since >= cutoff) fresh.push(w)
        else {
          shed++
          w.reject(new AppError('timeout', `waited over ${o.maxWaitMs} ms for a database lookup`))
        }
      }
      if (fresh.length > 0) batch.set(key, fresh)
    }
    if (batch.size === 0) return kick()
    running++
    loads++
    keys += batch.size
    kick()
    loadMany([...batch.keys()])
      .then(
        (found) => {
          for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key))
        },
        (error: unknown) => {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(error)
        },
      )
      .finally(() => {
        running--
        kick()
      })
  }

  return {
    load(key) {
      return new Promise<V | undefined>((resolve, reject) => {
        const waiter = { resolve, reject, since: now() }
        const list = queue.get(key)
        if (list) list.push(waiter)
        else queue.set(key, [waiter])
        kick()
      })
    },
    stats: () => ({ loads, keys, shed }),
  }
}
