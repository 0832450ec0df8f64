import { createInbox, type NatsConnection } from '@nats-io/transport-node'
import { AppError } from './app-error.js'
import type { DomainEvent } from './events.js'
import { decodeJson } from './nats-payload.js'
import { wireHeaderText } from './wire-headers.js'
import { createWireWriter } from './wire-writer.js'

// Publishes facts to JetStream and resolves on its PubAck, like `publishEvent`, with the same
// message-id dedupe, but through one reply subscription for all of them. nats.js's
// `js.publish` is a request per publish, with its own inbox, timer and an Error (stack trace
// included) made up front: at thousands of facts a second (meter values, a reconnect storm's
// connect and disconnect events) that cost more CPU than the work the facts describe. Facts are
// written as text by the wire writer (`createWireWriter`), without intermediate byte arrays.

/** `dedupeId` lets JetStream drop a second publish of the same fact within its duplicate window. */
export type PublishFact = (subject: string, event: DomainEvent, dedupeId?: string) => Promise<void>

export type FactPublisher = { publish: PublishFact; close(): void }

type Waiter = { resolve(): void; reject(e: unknown): void; deadline: number }

export function createFactPublisher(nc: NatsConnection, opts: { timeoutMs: number }): FactPublisher {
  const wire = createWireWriter(nc)
  const prefix = createInbox()
  const waiting = new Map<string, Waiter>()
  let counter = 0
  const sub = nc.subscribe(`${prefix}.*`, {
    callback: (err, msg) => {
      if (err) return
      const id = msg.subject.slice(prefix.length + 1)
      const w = waiting.get(id)
      if (!w) return
      waiting.delete(id)
      if (msg.headers?.code === 503) {
        w.reject(new AppError('unavailable', 'no JetStream stream stores this subject'))
        return
      }
      // A PubAck is parsed only when it is a refusal: thousands a second are plain successes.
      if (!mentionsError(msg.data)) {
        w.resolve()
        return
      }
      const ack = decodeJson(msg.data) as { error?: { description?: string } } | undefined
      if (ack?.error)
        w.reject(new AppError('unavailable', `JetStream refused the fact: ${ack.error.description}`))
      else w.resolve()
    },
  })
  // nats.js drops whatever it had not written when the connection broke (and what is published
  // until it reconnects), and an ack the server sends meanwhile has no subscription to reach: a
  // fact waiting at a disconnect will never be acknowledged. Failing it, and refusing new ones
  // until the reconnect, lets the caller retry (with the same dedupe id) at once.
  let connected = true
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'reconnect') connected = true
      if (s.type !== 'disconnect') continue
      connected = false
      const lost = [...waiting.values()]
      waiting.clear()
      for (const w of lost)
        w.reject(new AppError('unavailable', 'NATS connection lost before JetStream acknowledged the fact'))
    }
  })()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [id, w] of waiting) {
      if (w.deadline > now) continue
      waiting.delete(id)
      w.reject(new AppError('timeout', 'JetStream did not acknowledge the fact in time'))
    }
  }, 250)
  sweep.unref()

  return {
    publish(subject, event, dedupeId) {
      if (!connected)
        return Promise.reject(new AppError('unavailable', 'NATS is disconnected: fact not published'))
      const id = (++counter).toString(36)
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject, deadline: Date.now() + opts.timeoutMs })
        try {
          wire.publish({
            subject,
            payload: JSON.stringify(event),
            reply: `${prefix}.${id}`,
            headers: dedupeId === undefined ? undefined : wireHeaderText('Nats-Msg-Id', dedupeId),
          })
        } catch (error) {
          waiting.delete(id)
          reject(new AppError('unavailable', 'could not publish the fact', { cause: error }))
        }
      })
    },
    close() {
      clearInterval(sweep)
      sub.unsubscribe()
      for (const w of waiting.values()) w.reject(new AppError('unavailable', 'fact publisher closed'))
      waiting.clear()
    },
  }
}

const ERROR_KEY = Buffer.from('"error"')

/** Whether a JetStream reply may carry `error` (a byte search: no string, no parse). */
export function mentionsError(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.length).includes(ERROR_KEY)
}
