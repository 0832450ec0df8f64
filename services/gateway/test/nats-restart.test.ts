import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { callStation, EVENTS_STREAM, encodeStationId, eventSubject, MESSAGE_LOG_STREAM } from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { LogMessage } from '../src/server/message-log.js'
import { type Fixture, startFixture } from './support/fixture.js'
import { serveStationCalls } from './support/stand-ins.js'
import type { Frame } from './support/test-station.js'

const heartbeat = { currentTime: '2026-11-26T10:00:00.000Z' }

/** Every frame the message log holds for a station, in order, once it holds at least `count`. */
async function loggedFrames(f: Fixture, stationId: string, count: number): Promise<string[]> {
  const consumer = await jetstream(f.nc).consumers.get(MESSAGE_LOG_STREAM, {
    filter_subjects: `log.ocpp.${encodeStationId(stationId)}`,
  })
  const frames: string[] = []
  const messages = await consumer.consume()
  for await (const m of messages) {
    for (const fr of m.json<LogMessage>().frames) frames.push(`${fr.direction} ${fr.frame}`)
    if (frames.length >= count) break
  }
  await messages.close()
  return frames
}

describe('NATS going down and coming back under connected stations', () => {
  let f: Fixture
  before(async () => {
    f = await startFixture({ CSMS_GATEWAY_NATS_TIMEOUT_MS: '1000' }, undefined, { restartableNats: true })
    serveStationCalls(f.nc, async () => ({ payload: heartbeat }), 'ocpp.in.*.Heartbeat.*')
    await f.nc.flush()
  })
  after(() => f?.stop())

  it('keeps the socket, answers a CALL made while NATS is down with InternalError, logs it, and serves both directions after', async () => {
    const server = f.natsServer
    assert.ok(server, 'a restartable nats-server')
    const station = await f.station('NR-1')
    assert.deepEqual(await station.call('Heartbeat', {}, 'before'), [3, 'before', heartbeat])
    // Stored before the server goes: what the log writes in the instant a server dies is lost
    // (core publishes, see message-log.ts), and this test is about what comes after.
    assert.equal((await loggedFrames(f, 'NR-1', 2)).length, 2)

    const disconnected = (async () => {
      for await (const s of f.nc.status()) if (s.type === 'disconnect') return
    })()
    process.kill(server.pid, 'SIGTERM')
    await disconnected
    const down: Frame = await station.call('Heartbeat', {}, 'while-down')
    assert.equal(down[0], 4, `a CALLERROR, not ${JSON.stringify(down)}`)
    assert.equal(down[2], 'InternalError')

    await server.restart()
    // The gateway's NATS client reconnects on its own; the station never noticed.
    let n = 0
    await waitFor(async () => (await station.call('Heartbeat', {}, `after-${++n}`))[0] === 3, {
      timeoutMs: 20_000,
      description: 'Heartbeat answered again after the restart',
    })
    // The gateway subscribed to the station's ocpp.out subject again: a CSMS CALL reaches it.
    const pending = callStation(f.nc, { stationId: 'NR-1', action: 'Reset', payload: { type: 'Immediate' } })
    const [, id] = await station.nextCall('Reset')
    station.send([3, id, { status: 'Accepted' }])
    assert.deepEqual(await pending, { ok: true, payload: { status: 'Accepted' } })

    // The frames of the CALL made while NATS was down waited in the client and reached the log.
    const frames = await loggedFrames(f, 'NR-1', 4)

    assert.deepEqual(frames.slice(0, 3), [
      'in [2,"before","Heartbeat",{}]',
      `out ${JSON.stringify([3, 'before', heartbeat])}`,
      'in [2,"while-down","Heartbeat",{}]',
    ])
    assert.match(frames[3] ?? '', /^out \[4,"while-down","InternalError"/)
  })

  it('publishes the disconnect of a station that left while NATS was down, once NATS is back', async () => {
    const server = f.natsServer
    assert.ok(server, 'a restartable nats-server')
    await f.station('NR-2')
    const station = await f.station('NR-3')
    const disconnected = (async () => {
      for await (const s of f.nc.status()) if (s.type === 'disconnect') return
    })()
    process.kill(server.pid, 'SIGTERM')
    await disconnected
    await station.close()
    const reconnected = (async () => {
      for await (const s of f.nc.status()) if (s.type === 'reconnect') return
    })()
    await server.restart()
    await reconnected

    const jsm = await jetstreamManager(f.nc)
    const stored = async (subject: string) =>
      (await jsm.streams.info(EVENTS_STREAM, { subjects_filter: subject })).state.subjects?.[subject] ?? 0
    await waitFor(async () => (await stored(eventSubject('station', 'disconnected', 'NR-3'))) === 1, {
      timeoutMs: 20_000,
      description: 'station.disconnected of NR-3 in CSMS_EVENTS',
    })
    assert.equal(await stored(eventSubject('station', 'connected', 'NR-3')), 1)
    assert.equal(await stored(eventSubject('station', 'disconnected', 'NR-2')), 0)
  })
})
