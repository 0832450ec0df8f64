import type { NatsConnection, Subscription } from '@nats-io/nats-core'

/**
 * What a connection's handlers are doing, so a stopping service can first stop taking requests,
 * then let every handler that already started send its reply, and only then close NATS.
 * (Closing first drops replies in flight: the station would have to retry.)
 */
export type InflightTracker = {
  subscription<S extends Subscription>(sub: S): S
  work<T>(promise: Promise<T>): Promise<T>
  /** Drains the tracked subscriptions, then waits for started work, at most `timeoutMs`. */
  quiesce(timeoutMs: number): Promise<void>
}

const trackers = new WeakMap<NatsConnection, InflightTracker>()

export function inflightOf(nc: NatsConnection): InflightTracker {
  let tracker = trackers.get(nc)
  if (!tracker) {
    tracker = createTracker()
    trackers.set(nc, tracker)
  }
  return tracker
}

function createTracker(): InflightTracker {
  const subs = new Set<Subscription>()
  // A count, not a set of promises: `work` runs once per message, and one reaction per promise
  // is all it needs.
  let pending = 0
  let idle: Array<() => void> = []
  const done = () => {
    if (--pending > 0) return
    const waiters = idle
    idle = []
    for (const resolve of waiters) resolve()
  }
  const settled = () => (pending === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r)))
  return {
    subscription(sub) {
      subs.add(sub)
      return sub
    },
    work(promise) {
      pending++
      void promise.then(done, done)
      return promise
    },
    async quiesce(timeoutMs) {
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs)
      })
      const settle = (async () => {
        await Promise.all([...subs].map((s) => s.drain().catch(() => {})))
        subs.clear()
        await settled()
      })()
      await Promise.race([settle, deadline])
      clearTimeout(timer)
    },
  }
}
