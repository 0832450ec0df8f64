import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { encodeStationId } from '@csms/bus'
import { createLogger } from '@csms/telemetry'
import { type NatsHandle, startNats, waitFor } from '@csms/testkit'
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { createMessageLog, type LogMessage } from '../src/server/message-log.js'

const facts = (stationId: string, connectionId: string) => ({
  stationId,
  version: 'v201' as const,
  protocol: 'ocpp2.0.1',
  connectionId,
})

describe('the message log on a real NATS (every frame, per connection, in order)', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  let reader: NatsConnection
  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
    reader = await connect({ servers: nats.url })
  })
  after(async () => {
    await nc?.close()
    await reader?.close()
    await nats?.stop()
  })

  /** Every log message on log.ocpp.> from now on. */
  const listen = async () => {
    const got: Msg[] = []
    const sub = reader.subscribe('log.ocpp.>', {
      callback: (_err, m) => {
        got.push(m)
      },
    })
    await reader.flush()
    return { got, stop: () => sub.unsubscribe() }
  }

  it('publishes one message per connection and flush, frames in the order they passed', async () => {
    const log = createMessageLog(nc, 'gw-"log"', createLogger('test', 'silent'))
    const a = facts('CS-A.1', 'conn-a')
    const b = facts('CS "B" é', 'conn-b')
    const { got, stop } = await listen()
    const before = Date.now()
    log(a, 'in', '[2,"1","Heartbeat",{}]')
    log(b, 'in', 'not json "at all" \\')
    log(a, 'out', '[3,"1",{"currentTime":"2026-11-27T00:00:00.000Z"}]')
    log(b, 'out', '[4,"-1","RpcFrameworkError","",{}]')
    log(a, 'in', '[2,"2","DataTransfer",{"vendorId":"☃ 𝄞","data":"line\\nbreak"}]')
    log.flush()
    await waitFor(() => got.length >= 2, { description: 'two log messages' })
    stop()
    const bySubject = new Map(got.map((m) => [m.subject, m.json<LogMessage>()]))
    const ofA = bySubject.get(`log.ocpp.${encodeStationId('CS-A.1')}`)
    const ofB = bySubject.get(`log.ocpp.${encodeStationId('CS "B" é')}`)
    assert.deepEqual(
      { ...ofA, frames: ofA?.frames.map((f) => [f.direction, f.frame]) },
      {
        stationId: 'CS-A.1',
        protocol: 'ocpp2.0.1',
        gatewayId: 'gw-"log"',
        connectionId: 'conn-a',
        frames: [
          ['in', '[2,"1","Heartbeat",{}]'],
          ['out', '[3,"1",{"currentTime":"2026-11-27T00:00:00.000Z"}]'],
          ['in', '[2,"2","DataTransfer",{"vendorId":"☃ 𝄞","data":"line\\nbreak"}]'],
        ],
      },
    )
    assert.deepEqual(
      ofB?.frames.map((f) => [f.direction, f.frame]),
      [
        ['in', 'not json "at all" \\'],
        ['out', '[4,"-1","RpcFrameworkError","",{}]'],
      ],
    )
    for (const f of [...(ofA?.frames ?? []), ...(ofB?.frames ?? [])]) {
      const at = Date.parse(f.at)
      assert.ok(at >= before - 1 && at <= Date.now(), f.at)
    }
  })

  it('publishes by itself after the flush window, and splits a burst into messages that stay small', async () => {
    const log = createMessageLog(nc, 'gw-log', createLogger('test', 'silent'))
    const station = facts('CS-BURST', 'conn-burst')
    const { got, stop } = await listen()
    // 40 frames of ~10 KB at once: about 400 KB for one connection, more than one message holds.
    const frames = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify([3, `late-${i}`, { pad: '"'.repeat(5_000) }]),
    )
    for (const frame of frames) log(station, 'in', frame)
    // No flush called: the window's timer publishes what is left.
    await waitFor(() => got.flatMap((m) => m.json<LogMessage>().frames).length >= 40, {
      description: 'all 40 frames logged',
    })
    stop()
    assert.deepEqual(
      got.flatMap((m) => m.json<LogMessage>().frames.map((f) => f.frame)),
      frames,
    )
    assert.ok(got.length >= 4, `${got.length} messages`)
    for (const m of got)
      assert.ok(m.data.length < 64 * 1024 + 2 * 10_100, `${m.data.length} bytes in one message`)
  })
})
