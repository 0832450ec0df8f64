import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RequestOutcome } from '@csms/bus'
import { createLogger, createMetrics } from '@csms/telemetry'
import type { Msg, NatsConnection } from '@nats-io/transport-node'
import { createGatewayMetrics } from '../gateway-metrics.js'
import { createInflight } from './inflight.js'
import type { FrameSink, SessionContext } from './session-context.js'
import { StationSession } from './station-session.js'

/** A socket that records frames and answers sends with the status uWS would give. */
function aSink(status = 1) {
  const sent: string[] = []
  let closed = false
  const sink: FrameSink = {
    send: (m) => {
      sent.push(m)
      return status
    },
    getBufferedAmount: () => 0,
    close: () => {
      closed = true
    },
  }
  return { sink, sent, isClosed: () => closed }
}

function aSession(
  sink: FrameSink,
  version: 'v16' | 'v201' | 'v21' = 'v201',
  requester = {} as SessionContext['requester'], // framing errors never reach NATS
) {
  const logged: Array<[string, string]> = []
  const ctx: SessionContext = {
    nc: {} as NatsConnection, // framing errors never reach NATS
    gatewayId: 'gw-unit',
    logger: createLogger('gateway-test', 'silent'),
    metrics: createGatewayMetrics(createMetrics('gateway-test')),
    inflight: createInflight(),
    batch: (job) => job(),
    requester,
    wire: {} as SessionContext['wire'], // nor the wire writer
    callTimeoutMs: 1_000,
    natsTimeoutMs: 1_000,
    maxQueuedCalls: 1,
    maxQueuedInbound: 1,
    log: (_station, direction, frame) => logged.push([direction, frame]),
    buffering: new Set(),
  }
  const protocol = { v16: 'ocpp1.6', v201: 'ocpp2.0.1', v21: 'ocpp2.1' }[version]
  const facts = { stationId: 'CS-U', version, protocol, connectionId: 'c-1' }
  return { session: new StationSession(ctx, facts, sink), logged, ctx }
}

describe('station session framing', () => {
  it('answers a CALL that fails its schema without forwarding it, and logs both frames', () => {
    const { sink, sent } = aSink()
    const { session, logged } = aSession(sink)
    session.onFrame('[2,"x1","Heartbeat",{"extra":true}]')
    assert.equal(sent.length, 1)
    assert.deepEqual(JSON.parse(sent[0] as string).slice(0, 3), [4, 'x1', 'FormatViolation'])
    assert.deepEqual(
      logged.map(([d]) => d),
      ['in', 'out'],
    )
  })

  it('stays silent on a broken CALLERROR and on an unknown message type in 1.6', () => {
    const { sink, sent } = aSink()
    aSession(sink).session.onFrame('[4,"x2"]')
    aSession(sink, 'v16').session.onFrame('[9,"x3","Heartbeat",{}]')
    assert.deepEqual(sent, [])
  })

  it('answers a broken 2.1 CALLRESULT with a CALLRESULTERROR', () => {
    const { sink, sent } = aSink()
    aSession(sink, 'v21').session.onFrame('[3,"x4",[1]]')
    assert.deepEqual(JSON.parse(sent[0] as string).slice(0, 3), [5, 'x4', 'ProtocolError'])
  })

  it('remembers a socket whose frame uWS had to buffer, for the send-buffer gauge', () => {
    const buffered = aSink(0)
    const one = aSession(buffered.sink)
    assert.equal(one.session.send('[3,"x6",{}]'), true)
    assert.deepEqual([...one.ctx.buffering], [buffered.sink])
    const sent = aSink(1)
    const other = aSession(sent.sink)
    other.session.send('[3,"x7",{}]')
    assert.equal(other.ctx.buffering.size, 0)
  })

  it('closes the socket when uWS drops a frame over the send-buffer limit', () => {
    const { sink, isClosed } = aSink(2)
    const { session } = aSession(sink)
    assert.equal(session.send('[3,"x5",{}]'), false)
    assert.equal(isClosed(), true)
  })

  it('sends nothing after the socket closed', () => {
    const { sink, sent } = aSink()
    const { session } = aSession(sink)
    session.dispose('gone')
    session.onFrame('not json')
    assert.deepEqual(sent, [])
  })
})

/** A requester that keeps each request's `done` for the test to answer (the NATS hop is not under test). */
function aRequester() {
  const requests: Array<{ subject: string; done: (o: RequestOutcome) => void }> = []
  const requester = {
    send: (subject: string, _payload: string, _opts: unknown, done: (o: RequestOutcome) => void) =>
      void requests.push({ subject, done }),
  } as unknown as SessionContext['requester']
  const reply = (json: string) => ({ ok: true, msg: { data: Buffer.from(json) } as unknown as Msg }) as const
  return { requester, requests, reply }
}

describe('station session CALLs', () => {
  it('forwards one CALL at a time, the next when the answer to the first is written', () => {
    const { sink, sent } = aSink()
    const { requester, requests, reply } = aRequester()
    const { session, ctx } = aSession(sink, 'v201', requester)
    session.onFrame('[2,"h1","Heartbeat",{}]')
    session.onFrame('[2,"h2","Heartbeat",{}]')
    assert.equal(requests.length, 1)
    assert.equal(ctx.inflight.count, 2)
    requests[0]?.done(reply('{"currentTime":"2026-11-26T00:00:00.000Z"}'))
    assert.deepEqual(JSON.parse(sent[0] as string), [3, 'h1', { currentTime: '2026-11-26T00:00:00.000Z' }])
    assert.equal(requests.length, 2)
    requests[1]?.done({ ok: false, reason: 'timeout' })
    assert.deepEqual(JSON.parse(sent[1] as string).slice(0, 3), [4, 'h2', 'InternalError'])
    assert.equal(ctx.inflight.count, 0)
  })

  it('goes on with the next CALL when an answer cannot be written', () => {
    const sent: string[] = []
    const sink: FrameSink = {
      send: (m) => {
        if (sent.push(m) === 1) throw new Error('socket gone under us')
        return 1
      },
      getBufferedAmount: () => 0,
      close: () => {},
    }
    const { requester, requests, reply } = aRequester()
    const { session, ctx } = aSession(sink, 'v201', requester)
    session.onFrame('[2,"h3","Heartbeat",{}]')
    session.onFrame('[2,"h4","Heartbeat",{}]')
    requests[0]?.done(reply('{"currentTime":"2026-11-26T00:00:00.000Z"}'))
    assert.equal(requests.length, 2)
    requests[1]?.done(reply('{"currentTime":"2026-11-26T00:00:01.000Z"}'))
    assert.deepEqual(JSON.parse(sent[1] as string).slice(0, 2), [3, 'h4'])
    assert.equal(ctx.inflight.count, 0)
  })

  it('answers InternalError to a CALL whose message id cannot be a NATS header, and goes on', async () => {
    const { sink, sent } = aSink()
    const { requester, requests, reply } = aRequester()
    const { session, ctx } = aSession(sink, 'v201', requester)
    session.onFrame(JSON.stringify([2, 'a\r\nOcpp-Station-Id: other', 'Heartbeat', {}]))
    session.onFrame('[2,"h5","Heartbeat",{}]')
    assert.equal(requests.length, 0)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(JSON.parse(sent[0] as string).slice(0, 3), [
      4,
      'a\r\nOcpp-Station-Id: other',
      'InternalError',
    ])
    assert.equal(requests.length, 1)
    requests[0]?.done(reply('{"currentTime":"2026-11-26T00:00:00.000Z"}'))
    assert.deepEqual(JSON.parse(sent[1] as string).slice(0, 2), [3, 'h5'])
    assert.equal(ctx.inflight.count, 0)
  })

  it('publishes nothing for a 2.1 SEND whose message id cannot be a NATS header, and does not throw', () => {
    const { sink, sent } = aSink()
    const published: unknown[] = []
    const { session, ctx } = aSession(sink, 'v21')
    ctx.wire = { publish: (m: unknown) => published.push(m) } as unknown as SessionContext['wire']
    session.onFrame(
      JSON.stringify([
        6,
        'a\nb',
        'NotifyPeriodicEventStream',
        { id: 1, pending: 0, basetime: '2026-11-26T00:00:00Z', data: [{ t: 0, v: '1' }] },
      ]),
    )
    assert.deepEqual(published, [])
    assert.deepEqual(sent, [])
    // The same SEND with an ordinary id is published: the one above failed only for its id.
    session.onFrame(
      JSON.stringify([
        6,
        'ok-1',
        'NotifyPeriodicEventStream',
        { id: 1, pending: 0, basetime: '2026-11-26T00:00:00Z', data: [{ t: 0, v: '1' }] },
      ]),
    )
    assert.equal(published.length, 1)
  })
})
