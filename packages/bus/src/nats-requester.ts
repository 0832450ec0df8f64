import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { createWireWriter, PayloadTooLargeError } from './wire-writer.js'

export type RequestOutcome =
  | { ok: true; msg: Msg }
  | { ok: false; reason: 'no_responders' | 'timeout' | 'closed' | 'too_large' }

type Pending = { done: (o: RequestOutcome) => void; deadline: number }

const SWEEP_MS = 50

/**
 * Request/reply for the hot path: one inbox subscription for the whole pod, replies matched by
 * token, deadlines checked by one sweeping timer. nats.js's own request() builds an Error (with
 * its stack trace) and a timer per request, a sixth of the gateway's CPU per CALL. Outcomes are
 * values, not exceptions. "No responders" is nats-server's 503 status on the reply subject.
 * Requests are written as text by the wire writer (`createWireWriter`): the payload and the
 * header block (`wireHeaderText`) go into the socket buffer without intermediate byte arrays.
 */
export function createNatsRequester(nc: NatsConnection) {
  const writer = createWireWriter(nc)
  const prefix = `${createInbox()}.`
  const pending = new Map<string, Pending>()
  let next = 0
  let sweeper: NodeJS.Timeout | undefined

  const settle = (token: string, outcome: RequestOutcome) => {
    const p = pending.get(token)
    if (!p) return
    pending.delete(token)
    p.done(outcome)
  }
  // The sweeper stops at its first run with nothing pending, not at each reply: with requests
  // one at a time (a fleet's Heartbeats), stopping and restarting the interval per request cost
  // the gateway 5 % of its CPU per CALL (open loop, services/gateway/BENCHMARKS.md).
  const sweep = () => {
    if (pending.size === 0) {
      clearInterval(sweeper)
      sweeper = undefined
      return
    }
    const now = performance.now()
    for (const [token, p] of pending) if (p.deadline <= now) settle(token, { ok: false, reason: 'timeout' })
  }

  const sub = nc.subscribe(`${prefix}*`, {
    callback: (err, msg) => {
      if (err) return
      const token = msg.subject.slice(prefix.length)
      const noResponders = msg.data.length === 0 && msg.headers?.code === 503
      settle(token, noResponders ? { ok: false, reason: 'no_responders' } : { ok: true, msg })
    },
  })

  /** Writes the request; `done` gets its outcome once, never synchronously. */
  const send = (
    subject: string,
    payload: string,
    opts: { timeoutMs: number; headers?: string | undefined },
    done: (outcome: RequestOutcome) => void,
  ): void => {
    let failed: RequestOutcome | undefined
    if (nc.isClosed()) failed = { ok: false, reason: 'closed' }
    else {
      const token = (next++).toString(36)
      try {
        writer.publish({ subject, payload, reply: `${prefix}${token}`, headers: opts.headers })
        pending.set(token, { done, deadline: performance.now() + opts.timeoutMs })
        sweeper ??= setInterval(sweep, SWEEP_MS)
        return
      } catch (error) {
        failed = { ok: false, reason: error instanceof PayloadTooLargeError ? 'too_large' : 'closed' }
      }
    }
    const outcome = failed
    queueMicrotask(() => done(outcome))
  }

  return {
    /**
     * The hot path's form: `done` is called once with the outcome (from the reply's NATS
     * callback, or the sweep at the deadline), without a promise and its microtask hops per
     * request. `payload` is the message's text (JSON), `headers` a header block from
     * `wireHeaderText`. `done` must not throw: nothing above it would catch the error.
     */
    send,
    /** `send` as a promise. */
    request(
      subject: string,
      payload: string,
      opts: { timeoutMs: number; headers?: string | undefined },
    ): Promise<RequestOutcome> {
      return new Promise<RequestOutcome>((resolve) => send(subject, payload, opts, resolve))
    },
    /** Requests still waiting. */
    get size() {
      return pending.size
    },
    close(): void {
      sub.unsubscribe()
      for (const token of [...pending.keys()]) settle(token, { ok: false, reason: 'closed' })
      clearInterval(sweeper)
      sweeper = undefined
    },
  }
}

export type NatsRequester = ReturnType<typeof createNatsRequester>

const requesters = new WeakMap<NatsConnection, NatsRequester>()

/** The connection's shared requester (one inbox subscription per connection), made on first use. */
export function requesterOf(nc: NatsConnection): NatsRequester {
  let r = requesters.get(nc)
  if (r === undefined) {
    r = createNatsRequester(nc)
    requesters.set(nc, r)
  }
  return r
}
