// Group commit: jobs submitted while a flush is running wait for the next one, so a busy
// service writes a few hundred messages per database transaction and an idle one writes each
// message at once. A job's promise settles only when the transaction holding it committed (or
// failed), so the station is answered only for what is durable.

export type Batcher<J, R> = {
  submit(job: J): Promise<R>
  /** Flushes what is queued and waits for every flush in flight. */
  close(): Promise<void>
  readonly pending: number
  /** Jobs and flushes so far, and the largest flush: how well writes are grouped. */
  stats(): BatcherStats
}

export type BatcherStats = { jobs: number; flushes: number; largest: number }

export type BatcherOptions<J, R> = {
  /** At most this many jobs per flush. */
  maxBatch: number
  /** Flushes running at once (each on its own connection). */
  concurrency: number
  /** Writes the jobs in one database transaction; one result per job, in order. */
  flush(jobs: readonly J[]): Promise<R[]>
  /**
   * Whether a failed batch is retried job by job, so one bad message cannot fail its
   * neighbours. Say no for errors every job would hit again (the database is down).
   */
  shouldSplit?(error: unknown): boolean
}

type Entry<J, R> = { job: J; resolve(r: R): void; reject(e: unknown): void }

export function createBatcher<J, R>(opts: BatcherOptions<J, R>): Batcher<J, R> {
  const queue: Entry<J, R>[] = []
  const inFlight = new Set<Promise<void>>()
  let closed = false
  let scheduled = false
  const counts: BatcherStats = { jobs: 0, flushes: 0, largest: 0 }

  // Deferred to the end of the event loop turn, so messages that arrived together share a flush.
  function schedule(): void {
    if (scheduled) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      pump()
    })
  }

  function pump(): void {
    while (inFlight.size < opts.concurrency && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch)
      const run = runBatch(batch).finally(() => {
        inFlight.delete(run)
        pump()
      })
      inFlight.add(run)
    }
  }

  async function runBatch(batch: Entry<J, R>[]): Promise<void> {
    counts.jobs += batch.length
    counts.flushes++
    counts.largest = Math.max(counts.largest, batch.length)
    try {
      settle(batch, await opts.flush(batch.map((e) => e.job)))
    } catch (error) {
      if (batch.length === 1 || !(opts.shouldSplit?.(error) ?? true)) {
        for (const entry of batch) entry.reject(error)
        return
      }
      for (const entry of batch) {
        try {
          settle([entry], await opts.flush([entry.job]))
        } catch (single) {
          entry.reject(single)
        }
      }
    }
  }

  function settle(batch: Entry<J, R>[], results: R[]): void {
    batch.forEach((entry, i) => {
      if (i < results.length) entry.resolve(results[i] as R)
      else entry.reject(new Error('flush returned fewer results than jobs'))
    })
  }

  return {
    submit(job) {
      if (closed) return Promise.reject(new Error('batcher closed'))
      return new Promise<R>((resolve, reject) => {
        queue.push({ job, resolve, reject })
        schedule()
      })
    },
    async close() {
      closed = true
      while (queue.length > 0 || inFlight.size > 0) {
        pump()
        await Promise.all([...inFlight])
      }
    },
    get pending() {
      return queue.length
    },
    stats: () => ({ ...counts }),
  }
}
