import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats, waitFor } from '@csms/testkit'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createFactPublisher, EVENTS_STREAM, ensureStreams, type FactPublisher } from '../src/index.js'
import { nextStatus, type RestartableBus, startRestartableBus } from './support/restartable-bus.js'

describe('facts published through one reply subscription', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  let facts: FactPublisher
  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
    await ensureStreams(await jetstreamManager(nc))
    facts = createFactPublisher(nc, { timeoutMs: 5_000 })
  })
  after(async () => {
    facts?.close()
    await nc?.close()
    await nats?.stop()
  })

  const stored = async (subject: string) =>
    (await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM, { subjects_filter: subject })).state
      .subjects?.[subject] ?? 0

  it('resolves once JetStream stored the fact, and stores a fact published twice once', async () => {
    const event = { type: 'test.fact', time: new Date().toISOString(), data: { n: 1 } }
    await Promise.all([
      facts.publish('evt.test.fact.a', event, 'fact-a'),
      facts.publish('evt.test.fact.a', event, 'fact-a'),
      facts.publish('evt.test.fact.a', event, 'fact-b'),
    ])
    await facts.publish('evt.test.fact.a', event)
    assert.equal(await stored('evt.test.fact.a'), 3)
  })

  it('rejects a fact no stream stores, and a dedupe id that would smuggle a header in', async () => {
    const event = { type: 'test.fact', time: new Date().toISOString(), data: {} }
    await assert.rejects(facts.publish('nowhere.fact', event, 'x'), /no JetStream stream/)
    await assert.rejects(
      facts.publish('evt.test.fact.b', event, 'x\r\nNats-Expected-Stream: y'),
      /could not publish/,
    )
  })
})

describe('facts waiting for their ack when NATS goes away (a private nats-server)', () => {
  let bus: RestartableBus
  before(async () => {
    bus = await startRestartableBus()
  })
  after(() => bus?.stop())

  it('fail at the disconnect, not at their timeout, and a retry with the same id is stored once', async () => {
    const { nats, nc } = bus
    const facts = createFactPublisher(nc, { timeoutMs: 60_000 })
    try {
      const event = { type: 'test.fact', time: new Date().toISOString(), data: { n: 1 } }
      // nats-server stopped (not yet restarted): the publish cannot be acknowledged.
      const disconnected = nextStatus(nc, 'disconnect')
      process.kill(nats.pid, 'SIGSTOP')
      const waiting = facts.publish('evt.test.lost.a', event, 'lost-a')
      process.kill(nats.pid, 'SIGKILL')
      await disconnected
      const started = Date.now()
      await assert.rejects(waiting, /NATS connection lost before JetStream acknowledged the fact/)
      assert.ok(Date.now() - started < 5_000, 'rejected at the disconnect')

      await nats.restart()
      await waitFor(
        () =>
          facts.publish('evt.test.lost.a', event, 'lost-a').then(
            () => true,
            () => false,
          ),
        { timeoutMs: 20_000, description: 'the retry acknowledged after the restart' },
      )
      await facts.publish('evt.test.lost.a', event, 'lost-a')
      const info = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM, {
        subjects_filter: 'evt.test.lost.a',
      })
      assert.equal(info.state.subjects?.['evt.test.lost.a'], 1)
    } finally {
      facts.close()
    }
  })
})
