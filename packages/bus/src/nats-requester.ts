import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { createWireWriter, PayloadTooLargeError } from './wire-writer.js'

export type RequestOutcome =
  | { ok: true; msg: Msg }
  | { ok: false; reason: 'no_responders' | 'timeout' | 'closed' | 'too_large' }

type Pending = { resolve: (o: RequestOutcome) => void; deadline: number }

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
    p.resolve(outcome)
    if (pending.size === 0 && sweeper) {
      clearInterval(sweeper)
      sweeper = undefined
    }
  }
  const sweep = () => {
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

  return {
    /** `payload` is the message's text (JSON), `headers` a header block from `wireHeaderText`. */
    request(
      subject: string,
      payload: string,
      opts: { timeoutMs: number; headers?: string | undefined },
    ): Promise<RequestOutcome> {
      if (nc.isClosed()) return Promise.resolve({ ok: false, reason: 'closed' })
      const token = (next++).toString(36)
      try {
        writer.publish({ subject, payload, reply: `${prefix}${token}`, headers: opts.headers })
      } catch (error) {
        return Promise.resolve({
          ok: false,
          reason: error instanceof PayloadTooLargeError ? 'too_large' : 'closed',
        })
      }
      sweeper ??= setInterval(sweep, SWEEP_MS)
      return new Promise<RequestOutcome>((resolve) => {
        pending.set(token, { resolve, deadline: performance.now() + opts.timeoutMs })
      })
    },
    /** Requests still waiting. */
    get size() {
      return pending.size
    },
    close(): void {
      sub.unsubscribe()
      for (const token of [...pending.keys()]) settle(token, { ok: false, reason: 'closed' })
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
