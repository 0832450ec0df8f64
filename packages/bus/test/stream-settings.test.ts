import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ConfigError } from '@csms/config'
import { type NatsHandle, startNats } from '@csms/testkit'
import { DiscardPolicy, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import {
  createFactPublisher,
  EVENTS_STREAM,
  ensureStreams,
  MESSAGE_LOG_STREAM,
  readStreamSettings,
} from '../src/index.js'

const NS_PER_MS = 1_000_000

describe('stream settings from the environment', () => {
  it('defaults to bounded streams: 7 days / 2 GiB of facts, 1 day / 1 GiB of frames, one replica', () => {
    assert.deepEqual(readStreamSettings({}), {
      replicas: 1,
      eventsMaxAgeMs: 7 * 86_400_000,
      eventsMaxBytes: 2 * 1024 ** 3,
      messageLogMaxAgeMs: 86_400_000,
      messageLogMaxBytes: 1024 ** 3,
    })
  })

  it('reads durations and binary sizes, and names every bad variable', () => {
    const s = readStreamSettings({
      CSMS_STREAM_REPLICAS: '3',
      CSMS_EVENTS_MAX_AGE: '2d',
      CSMS_EVENTS_MAX_BYTES: '20GiB',
      CSMS_MESSAGE_LOG_MAX_AGE: '6h',
      CSMS_MESSAGE_LOG_MAX_BYTES: '512MiB',
    })
    assert.deepEqual(s, {
      replicas: 3,
      eventsMaxAgeMs: 2 * 86_400_000,
      eventsMaxBytes: 20 * 1024 ** 3,
      messageLogMaxAgeMs: 6 * 3_600_000,
      messageLogMaxBytes: 512 * 1024 ** 2,
    })
    assert.throws(
      () => readStreamSettings({ CSMS_STREAM_REPLICAS: '0', CSMS_EVENTS_MAX_BYTES: '4GB' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /CSMS_STREAM_REPLICAS/.test(error.message) &&
        /CSMS_EVENTS_MAX_BYTES.*512MiB, 4GiB or 1TiB/.test(error.message),
    )
  })
})

describe('streams as the settings size them (real nats-server)', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  let jsm: JetStreamManager
  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
    jsm = await jetstreamManager(nc)
  })
  after(async () => {
    await nc?.close()
    await nats?.stop()
  })

  it('applies the limits to both streams, and puts back a limit changed by hand at the next start', async () => {
    const settings = readStreamSettings({
      CSMS_EVENTS_MAX_AGE: '1h',
      CSMS_EVENTS_MAX_BYTES: '8MiB',
      CSMS_MESSAGE_LOG_MAX_AGE: '10m',
      CSMS_MESSAGE_LOG_MAX_BYTES: '4MiB',
    })
    await ensureStreams(jsm, settings)
    const events = (await jsm.streams.info(EVENTS_STREAM)).config
    assert.equal(events.max_age, 3_600_000 * NS_PER_MS)
    assert.equal(events.max_bytes, 8 * 1024 ** 2)
    assert.equal(events.discard, DiscardPolicy.Old)
    const log = (await jsm.streams.info(MESSAGE_LOG_STREAM)).config
    assert.equal(log.max_age, 600_000 * NS_PER_MS)
    assert.equal(log.max_bytes, 4 * 1024 ** 2)
    assert.equal(log.discard, DiscardPolicy.Old)

    await jsm.streams.update(EVENTS_STREAM, { ...events, max_bytes: -1 })
    await ensureStreams(jsm, settings)
    assert.equal((await jsm.streams.info(EVENTS_STREAM)).config.max_bytes, 8 * 1024 ** 2)
  })

  it('says which setting to lower when JetStream cannot reserve the bytes asked for', async () => {
    await assert.rejects(
      ensureStreams(jsm, { ...readStreamSettings({}), eventsMaxBytes: 1024 ** 5 }),
      /cannot reserve 1125899906842624 bytes for stream CSMS_EVENTS: lower CSMS_EVENTS_MAX_BYTES/,
    )
  })

  it('a full CSMS_EVENTS drops its oldest facts and keeps acknowledging new ones', async () => {
    const limit = 64 * 1024
    await ensureStreams(jsm, { ...readStreamSettings({}), eventsMaxBytes: limit })
    const facts = createFactPublisher(nc, { timeoutMs: 5_000 })
    try {
      const data = { seqNo: 0, pad: 'x'.repeat(400) }
      // ~500 bytes each: 400 facts are three times the cap.
      for (let n = 0; n < 400; n++) {
        await facts.publish(
          `evt.test.full.s${n % 7}`,
          { type: 'test.full', time: new Date().toISOString(), data: { ...data, seqNo: n } },
          `full-${n}`,
        )
      }
    } finally {
      facts.close()
    }
    const state = (await jsm.streams.info(EVENTS_STREAM)).state
    assert.ok(state.bytes <= limit, `${state.bytes} bytes stored, cap ${limit}`)
    assert.ok(state.first_seq > 1, 'the oldest facts were dropped')
    const last = await jsm.streams.getMessage(EVENTS_STREAM, { seq: state.last_seq })
    assert.equal((last?.json() as { data: { seqNo: number } } | undefined)?.data.seqNo, 399)
  })
})
