import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createLogger } from '@csms/telemetry'
import { waitFor } from '@csms/testkit'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import {
  type ConsumerHandle,
  consumeEventBatches,
  consumeEvents,
  createFactPublisher,
  type DomainEvent,
  EVENTS_STREAM,
} from '../src/index.js'
import { nextStatus, type RestartableBus, startRestartableBus } from './support/restartable-bus.js'

// Smart charging and device-management follow CSMS_EVENTS through these consumers: one that
// stopped at a NATS restart would leave online flags and balanced sessions stale for good.

describe('durable consumers across a NATS restart (a private nats-server)', () => {
  let bus: RestartableBus
  before(async () => {
    bus = await startRestartableBus()
  })
  after(() => bus?.stop())

  it('both kinds keep delivering every event published after the restart, and lose none from before', async () => {
    const { nats, nc } = bus
    const logger = createLogger('bus-test')
    const single: number[] = []
    const batched: number[] = []
    const opts = { js: jetstream(nc), jsm: await jetstreamManager(nc), stream: EVENTS_STREAM, logger }
    const handles: ConsumerHandle[] = [
      await consumeEvents({
        ...opts,
        durable: 'test-single',
        filterSubject: 'evt.test.restart.>',
        handle: async (e) => {
          single.push((e.data as { n: number }).n)
        },
      }),
      await consumeEventBatches({
        ...opts,
        durable: 'test-batches',
        filterSubject: 'evt.test.restart.>',
        maxBatch: 10,
        handle: async (items) => {
          for (const { event } of items) batched.push((event.data as { n: number }).n)
        },
      }),
    ]
    const facts = createFactPublisher(nc, { timeoutMs: 5_000 })
    const publish = (n: number) =>
      facts.publish(
        `evt.test.restart.s${n % 3}`,
        { type: 'test.restart', time: new Date().toISOString(), data: { n } } satisfies DomainEvent,
        `restart-${n}`,
      )
    const sorted = (list: number[]) => [...new Set(list)].sort((a, b) => a - b)
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
    try {
      for (let n = 0; n < 5; n++) await publish(n)
      await waitFor(() => sorted(single).length === 5 && sorted(batched).length === 5, {
        timeoutMs: 10_000,
        description: 'the first five events handled',
      })

      const reconnected = nextStatus(nc, 'reconnect')
      await nats.restart()
      await reconnected
      for (let n = 5; n < 10; n++) {
        await waitFor(
          () =>
            publish(n).then(
              () => true,
              () => false,
            ),
          { timeoutMs: 20_000, description: `event ${n} published after the restart` },
        )
      }
      await waitFor(() => sorted(single).length === 10 && sorted(batched).length === 10, {
        timeoutMs: 60_000,
        description: 'every event handled by both consumers after the restart',
      })
      assert.deepEqual(sorted(single), range(0, 10))
      assert.deepEqual(sorted(batched), range(0, 10))
    } finally {
      facts.close()
      for (const h of handles) await h.stop()
    }
  })
})
