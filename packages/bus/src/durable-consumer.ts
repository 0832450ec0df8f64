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

type DurableOptions = {
  jsm: JetStreamManager
  stream: string
  durable: string
  filterSubject: string
}

type ConsumeOptions = DurableOptions & { js: JetStreamClient; logger: Logger }

/** Creates the durable consumer, or reuses one that exists with the same configuration. */
async function ensureDurable(opts: DurableOptions): Promise<void> {
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
}

/**
 * A retryable failure is redelivered after a back-off; anything else is logged and terminated
 * so one poisoned event cannot block the stream.
 */
function settleFailure(logger: Logger, m: JsMsg, error: unknown): void {
  if (isAppError(error) && !error.retryable) {
    logger.error({ err: error, subject: m.subject }, 'event rejected')
    m.term()
    return
  }
  logger.warn({ err: error, subject: m.subject }, 'event failed, redelivering')
  m.nak(Math.min(30_000, 500 * 2 ** Math.min(m.info.deliveryCount, 6)))
}

/**
 * Consumes a durable JetStream consumer: every event is handled at least once (handlers are
 * idempotent). A retryable AppError is redelivered after a delay, anything else is logged and
 * terminated so one poisoned event cannot block the stream.
 */
export async function consumeEvents(
  opts: ConsumeOptions & { handle: (event: DomainEvent, subject: string) => Promise<void> },
): Promise<ConsumerHandle> {
  await ensureDurable(opts)
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
      settleFailure(opts.logger, m, error)
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

export type EventBatchItem = { event: DomainEvent; subject: string }

/**
 * `consumeEvents` for handlers that write in groups: it hands over every event
 * that has arrived meanwhile (up to `maxBatch`) in one call, one batch at a time, and acks them
 * after that call succeeded. A failed batch is retried event by event with the rules of
 * `consumeEvents` (retryable → nak with back-off, other errors → term), so one poisoned event
 * still cannot block the stream nor take its neighbours with it. Same durable configuration
 * as `consumeEvents`, so an existing durable is reused as it is.
 */
export async function consumeEventBatches(
  opts: ConsumeOptions & { maxBatch: number; handle: (events: EventBatchItem[]) => Promise<void> },
): Promise<ConsumerHandle> {
  await ensureDurable(opts)
  const consumer = await opts.js.consumers.get(opts.stream, opts.durable)
  const messages = await consumer.consume({ max_messages: Math.max(256, opts.maxBatch) })
  let pending: JsMsg[] = []
  let running: Promise<void> | undefined
  let scheduled = false

  const start = () => {
    scheduled = false
    if (running || pending.length === 0) return
    const batch = pending.slice(0, opts.maxBatch)
    pending = pending.slice(batch.length)
    running = handleBatch(batch).finally(() => {
      running = undefined
      start()
    })
  }

  const done = (async () => {
    for await (const m of messages) {
      pending.push(m)
      // Messages already pulled arrive in the same turn: let them join before the batch leaves.
      if (!scheduled && !running) {
        scheduled = true
        setImmediate(start)
      }
      // Back-pressure: unacked events must not pile up past their ack wait.
      while (pending.length >= opts.maxBatch && running) await running
    }
  })()

  async function handleBatch(batch: JsMsg[]): Promise<void> {
    const items: EventBatchItem[] = []
    const parsed: JsMsg[] = []
    for (const m of batch) {
      try {
        items.push({ event: decodeJson(m.data) as DomainEvent, subject: m.subject })
        parsed.push(m)
      } catch (error) {
        opts.logger.error({ err: error, subject: m.subject }, 'event rejected')
        m.term()
      }
    }
    if (items.length === 0) return
    try {
      await opts.handle(items)
      for (const m of parsed) m.ack()
      return
    } catch (error) {
      if (items.length > 1)
        opts.logger.warn({ err: error, events: items.length }, 'event batch failed, retrying one by one')
      else return settleFailure(opts.logger, parsed[0] as JsMsg, error)
    }
    for (const [i, m] of parsed.entries()) {
      try {
        await opts.handle([items[i] as EventBatchItem])
        m.ack()
      } catch (error) {
        settleFailure(opts.logger, m, error)
      }
    }
  }

  return {
    async stop() {
      await Promise.resolve(messages.close()).catch(() => {})
      await done.catch(() => {})
      await running?.catch(() => {})
    },
  }
}
