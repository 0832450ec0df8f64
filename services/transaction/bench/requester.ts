import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node'

/**
 * The load generator sends CALLs the way the gateway does (services/gateway nats-requester):
 * one inbox subscription, replies matched by token, one sweeping timer for deadlines. nats.js's
 * own request() builds an Error with a stack and a timer per request, which the gateway no
 * longer pays; the bench would otherwise charge it to the machine the service shares.
 */
export type BenchRequester = {
  /** The reply, or null on timeout, no responders or close. */
  request(subject: string, data: Uint8Array, timeoutMs: number, headers: MsgHdrs): Promise<Msg | null>
  close(): void
}

export function createBenchRequester(nc: NatsConnection): BenchRequester {
  const prefix = `${createInbox()}.`
  const pending = new Map<string, { resolve(m: Msg | null): void; deadline: number }>()
  let next = 0
  const settle = (token: string, msg: Msg | null) => {
    const p = pending.get(token)
    if (!p) return
    pending.delete(token)
    p.resolve(msg)
  }
  const sub = nc.subscribe(`${prefix}*`, {
    callback: (err, msg) => {
      if (err) return
      const noResponders = msg.data.length === 0 && msg.headers?.code === 503
      settle(msg.subject.slice(prefix.length), noResponders ? null : msg)
    },
  })
  const sweeper = setInterval(() => {
    const now = performance.now()
    for (const [token, p] of pending) if (p.deadline <= now) settle(token, null)
  }, 100)
  return {
    request(subject, data, timeoutMs, headers) {
      const token = (next++).toString(36)
      const reply = new Promise<Msg | null>((resolve) => {
        pending.set(token, { resolve, deadline: performance.now() + timeoutMs })
      })
      nc.publish(subject, data, { reply: `${prefix}${token}`, headers })
      return reply
    },
    close() {
      clearInterval(sweeper)
      sub.unsubscribe()
      for (const token of [...pending.keys()]) settle(token, null)
    },
  }
}
