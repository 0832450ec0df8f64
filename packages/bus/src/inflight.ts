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
  const pending = new Set<Promise<unknown>>()
  return {
    subscription(sub) {
      subs.add(sub)
      return sub
    },
    work(promise) {
      pending.add(promise)
      void promise.finally(() => pending.delete(promise)).catch(() => {})
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
        while (pending.size > 0) await Promise.allSettled([...pending])
      })()
      await Promise.race([settle, deadline])
      clearTimeout(timer)
    },
  }
}
