import { createGroupCommit } from '@csms/bus'

export type BatchLoaderOptions = {
  /** Most lookups in one load (one `where key = any($1)` query). */
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
  /** Loads started, distinct keys loaded and lookups shed so far, for tests and metrics. */
  stats(): { loads: number; keys: number; shed: number }
}

/**
 * Coalesces lookups by key into few queries: the read side of the bus's group commit (same
 * batching, bounded concurrency and shedding of stale work). Under a reconnection storm the
 * query count grows with database round trips, not with stations, and a quiet system still
 * answers in one round trip. The same key asked twice in one batch is loaded once.
 */
export function createBatchLoader<V>(
  loadMany: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
  o: BatchLoaderOptions,
): BatchLoader<V> {
  let keys = 0
  const group = createGroupCommit<string, V | undefined>(async (asked) => {
    const unique = [...new Set(asked)]
    keys += unique.length
    const found = await loadMany(unique)
    return asked.map((key) => found.get(key))
  }, o)
  return {
    load: (key) => group.submit(key),
    stats: () => {
      const { writes, shed } = group.stats()
      return { loads: writes, keys, shed }
    },
  }
}
