import type { Logger } from '@csms/telemetry'
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream'
import { isAppError } from './app-error.js'
import type { DomainEvent } from './events.js'
import { decodeJson } from './nats-payload.js'

export type ConsumerHandle = { stop(): Promise<void> }

/**
 * Consumes a durable JetStream consumer: every event is handled at least once (handlers are
 * idempotent). A retryable AppError is redelivered after a delay, anything else is logged and
 * terminated so one poisoned event cannot block the stream.
 */
export async function consumeEvents(opts: {
  js: JetStreamClient
  jsm: JetStreamManager
  stream: string
  durable: string
  filterSubject: string
  logger: Logger
  handle: (event: DomainEvent, subject: string) => Promise<void>
}): Promise<ConsumerHandle> {
  await opts.jsm.consumers
    .add(opts.stream, {
      durable_name: opts.durable,
      filter_subject: opts.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 30_000_000_000,
      max_deliver: 20,
    })
    .catch(async (error) => {
      // Already there with the same config is fine; anything else is a real failure.
      await opts.jsm.consumers.info(opts.stream, opts.durable).catch(() => Promise.reject(error))
    })
  const consumer = await opts.js.consumers.get(opts.stream, opts.durable)
  const messages = await consumer.consume({ max_messages: 256 })
  const done = (async () => {
    for await (const m of messages) await handleOne(m)
  })()

  async function handleOne(m: JsMsg): Promise<void> {
    try {
      await opts.handle(decodeJson(m.data) as DomainEvent, m.subject)
      m.ack()
    } catch (error) {
      if (isAppError(error) && !error.retryable) {
        opts.logger.error({ err: error, subject: m.subject }, 'event rejected')
        m.term()
        return
      }
      opts.logger.warn({ err: error, subject: m.subject }, 'event failed, redelivering')
      m.nak(Math.min(30_000, 500 * 2 ** Math.min(m.info.deliveryCount, 6)))
    }
  }

  return {
    async stop() {
      // After NATS drained, closing the consumer reports a closed connection: it is stopped either way.
      await Promise.resolve(messages.close()).catch(() => {})
      await done.catch(() => {})
    },
  }
}
