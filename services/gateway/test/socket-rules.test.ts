import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  encodeStationId,
  eventSubject,
  MESSAGE_LOG_STREAM,
  StationConnectedSchema,
  StationDisconnectedSchema,
} from '@csms/bus'
import { jetstream } from '@nats-io/jetstream'
import type { LogMessage } from '../src/server/message-log.js'
import { type Fixture, startFixture } from './support/fixture.js'
import { metricValue } from './support/gateway-process.js'
import { serveStationCalls } from './support/stand-ins.js'
import { refusal } from './support/test-station.js'

const heartbeat = { currentTime: '2026-11-26T10:00:00.000Z' }

describe('socket rules, message log, events and metrics', () => {
  let f: Fixture

  before(async () => {
    f = await startFixture({ CSMS_GATEWAY_MAX_FRAME_BYTES: '4096' })
    serveStationCalls(f.nc, () => ({ payload: heartbeat }), 'ocpp.in.*.Heartbeat.*')
    await f.nc.flush()
  })
  after(() => f?.stop())

  /** Watches for the next evt.station.<kind>.<station>; resolves once nats-server has the subscription. */
  const nextEvent = async (kind: 'connected' | 'disconnected', stationId: string) => {
    const sub = f.nc.subscribe(eventSubject('station', kind, stationId), { max: 1, timeout: 20_000 })
    const event = (async () => {
      for await (const m of sub) return m.json<{ type: string; data: unknown }>()
      throw new Error(`no station.${kind} event for ${stationId}`)
    })()
    event.catch(() => {})
    await f.nc.flush()
    return { event }
  }

  it('closes the socket of a station that sends a frame over the size limit', async () => {
    const gone = await nextEvent('disconnected', 'CS-BIG')
    const station = await f.station('CS-BIG')
    station.send(JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'x'.repeat(5000) }]))
    const closed = await station.closed
    assert.equal(closed.code, 1006, 'uWS drops the connection without a close frame')
    const event = StationDisconnectedSchema.parse((await gone.event).data)
    assert.equal(event.reason, 'Received too big message')
    assert.ok(
      (metricValue(await f.gateway.metrics(), 'csms_gateway_messages_total', {
        outcome: 'frame_too_large',
      }) ?? 0) >= 1,
    )
  })

  it('accepts a frame just under the limit', async () => {
    const station = await f.station('CS-ALMOST-BIG')
    const answer = await station.call('DataTransfer', { vendorId: 'v', data: 'x'.repeat(3900) }, 'fits')
    assert.deepEqual(answer.slice(0, 3), [4, 'fits', 'InternalError'], 'it reached the point of forwarding')
  })

  it('closes the socket with 1003 on a binary frame', async () => {
    const station = await f.station('CS-BINARY')
    station.ws.send(Buffer.from([2, 1, 2]), { binary: true })
    assert.deepEqual(await station.closed, { code: 1003, reason: 'OCPP-J uses text frames' })
  })

  it('refuses a plain HTTP request with 426', async () => {
    const res = await fetch(`http://127.0.0.1:${f.gateway.port}/ocpp/CS-1`)
    assert.equal(res.status, 426)
  })

  it('logs every frame in and out to the OCPP_MESSAGES stream', async () => {
    const station = await f.station('CS-LOG.1')
    await station.call('Heartbeat', {}, 'log-1')
    station.send('garbage')
    await station.next((fr) => fr[1] === '-1')
    const consumer = await jetstream(f.nc).consumers.get(MESSAGE_LOG_STREAM, {
      // A single string: nats-server before 2.10 (Debian's 2.9) knows one filter subject only.
      filter_subjects: `log.ocpp.${encodeStationId('CS-LOG.1')}`,
    })
    const entries: Array<{
      direction: string
      frame: string
      stationId: string
      at: string
      subject: string
    }> = []
    const messages = await consumer.consume()
    // One message per connection and flush: its facts once, then its frames.
    for await (const m of messages) {
      const logged = m.json<LogMessage>()
      for (const fr of logged.frames) entries.push({ ...fr, stationId: logged.stationId, subject: m.subject })
      assert.equal(logged.gatewayId, f.gateway.gatewayId)
      assert.equal(logged.protocol, 'ocpp2.0.1')
      if (entries.length >= 4) break
    }
    await messages.close()
    assert.deepEqual(
      entries.map((e) => [e.direction, e.frame]),
      [
        ['in', '[2,"log-1","Heartbeat",{}]'],
        ['out', JSON.stringify([3, 'log-1', heartbeat])],
        ['in', 'garbage'],
        ['out', entries[3]?.frame],
      ],
    )
    assert.match(entries[3]?.frame ?? '', /^\[4,"-1","RpcFrameworkError"/)
    for (const e of entries) {
      assert.equal(e.stationId, 'CS-LOG.1')
      assert.equal(e.subject, 'log.ocpp.CS-LOG~2E1')
      assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 60_000)
    }
  })

  it('logs a burst of large frames in order, over several messages that stay small', async () => {
    const station = await f.station('CS-LOG-BURST')
    // 20 frames of ~3.9 KB in one burst: answers to CALLs nobody made, which the gateway only logs.
    const frames = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify([3, `late-${i}`, { pad: 'x'.repeat(3_800) }]),
    )
    for (const frame of frames) station.send(frame)
    await station.call('Heartbeat', {}, 'after-burst')
    const consumer = await jetstream(f.nc).consumers.get(MESSAGE_LOG_STREAM, {
      filter_subjects: `log.ocpp.${encodeStationId('CS-LOG-BURST')}`,
    })
    const logged: string[] = []
    const sizes: number[] = []
    const messages = await consumer.consume()
    for await (const m of messages) {
      sizes.push(m.data.length)
      for (const fr of m.json<LogMessage>().frames) logged.push(fr.frame)
      if (logged.length >= 22) break
    }
    await messages.close()
    assert.deepEqual(logged.slice(0, 20), frames)
    assert.ok(sizes.length >= 2, `several messages (${sizes.join(', ')} bytes)`)
    for (const size of sizes) assert.ok(size < 64 * 1024 + 4096 * 2, `${size} bytes in one message`)
  })

  it('publishes station.connected and station.disconnected with the connection facts', async () => {
    const up = await nextEvent('connected', 'CS-EVT')
    const down = await nextEvent('disconnected', 'CS-EVT')
    const station = await f.station('CS-EVT', { protocols: ['ocpp1.6', 'ocpp2.0.1'] })
    const connected = StationConnectedSchema.parse((await up.event).data)
    assert.equal(connected.protocol, 'ocpp2.0.1')
    assert.equal(connected.gatewayId, f.gateway.gatewayId)
    assert.equal(connected.remoteAddress, '127.0.0.1')
    await station.close()
    const disconnected = StationDisconnectedSchema.parse((await down.event).data)
    assert.equal(disconnected.connectionId, connected.connectionId)
    assert.equal(disconnected.code, 1000)
  })

  it('exports connections, messages, round trips, NATS latency and refusals as Prometheus metrics', async () => {
    const station = await f.station('CS-METRICS', { protocols: ['ocpp2.1'] })
    await station.call('Heartbeat', {})
    await refusal(f.gateway.url('CS-METRICS-2'), { protocols: ['ocpp1.5'] })
    const text = await f.gateway.metrics()
    assert.ok((metricValue(text, 'csms_gateway_connections', { protocol: 'ocpp2.1' }) ?? 0) >= 1)
    const ok = { direction: 'in', action: 'Heartbeat', outcome: 'ok' }
    assert.ok((metricValue(text, 'csms_gateway_messages_total', ok) ?? 0) >= 1)
    const rtt = { direction: 'station_to_csms', action: 'Heartbeat' }
    assert.ok((metricValue(text, 'csms_gateway_call_duration_seconds_count', rtt) ?? 0) >= 1)
    assert.ok(
      (metricValue(text, 'csms_gateway_nats_request_duration_seconds_count', { action: 'Heartbeat' }) ?? 0) >=
        1,
    )
    assert.equal(metricValue(text, 'csms_gateway_upgrades_refused_total', { reason: 'subprotocol' }), 1)
  })
})
