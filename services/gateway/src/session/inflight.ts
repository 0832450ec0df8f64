/**
 * Counts the CALLs in flight on this pod, both directions, so that a drain can await the last
 * answer instead of polling every socket.
 */
export type Inflight = {
  start(): void
  end(): void
  readonly count: number
  /** Resolves as soon as nothing is in flight. */
  idle(): Promise<void>
}

export function createInflight(): Inflight {
  let count = 0
  let waiters: Array<() => void> = []
  return {
    start() {
      count++
    },
    end() {
      count = Math.max(0, count - 1)
      if (count > 0 || waiters.length === 0) return
      const ready = waiters
      waiters = []
      for (const resolve of ready) resolve()
    },
    get count() {
      return count
    },
    idle() {
      return count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))
    },
  }
}
