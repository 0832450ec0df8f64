import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats } from '@csms/testkit'
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { AppError, callStation, HEADER, ocppOutSubject, replyOcpp } from '../src/index.js'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN_ID = '00f067aa0ba902b7'

/** An AppError with this code, for assert.rejects. */
const appError = (code: string, message: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, String(e))
  assert.equal(e.code, code)
  assert.match(e.message, message)
  return true
}

describe('callStation over the connection shared requester', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  let gateway: NatsConnection
  /** A stand-in for the gateway holding station CS-1: what it was sent, and its answers. */
  const seen: Msg[] = []
  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
    gateway = await connect({ servers: nats.url })
    gateway.subscribe(ocppOutSubject('CS-1', '*'), {
      callback: (_err, msg) => {
        seen.push(msg)
        const action = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
        if (action === 'Reset') replyOcpp(msg, { ok: true, payload: { status: 'Accepted' } })
        if (action === 'ClearCache')
          replyOcpp(msg, { ok: false, code: 'NotImplemented', description: 'no cache', details: {} })
        // GetLog: never answered.
      },
    })
    await gateway.flush()
  })
  after(async () => {
    await gateway?.close()
    await nc?.close()
    await nats?.stop()
  })

  it("returns the station's CALLRESULT and sends the station, the timeout and the caller's trace", async () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 })
    const reply = await callStation(nc, {
      stationId: 'CS-1',
      action: 'Reset',
      payload: { type: 'Immediate', note: 'é' },
      timeoutMs: 7_000,
      trace: parent,
    })
    assert.deepEqual(reply, { ok: true, payload: { status: 'Accepted' } })
    const sent = seen.at(-1)
    assert.ok(sent)
    assert.deepEqual(sent.json(), { type: 'Immediate', note: 'é' })
    assert.equal(sent.headers?.get(HEADER.stationId), 'CS-1')
    assert.equal(sent.headers?.get(HEADER.timeoutMs), '7000')
    assert.equal(sent.headers?.get(HEADER.traceparent), `00-${TRACE_ID}-${SPAN_ID}-01`)
  })

  it("returns the station's CALLERROR as a reply, not an exception", async () => {
    const reply = await callStation(nc, { stationId: 'CS-1', action: 'ClearCache', payload: {} })
    assert.equal(reply.ok, false)
    assert.equal(!reply.ok && reply.code, 'NotImplemented')
  })

  it('throws station_offline when no gateway holds the station, timeout when it does not answer', async () => {
    await assert.rejects(
      callStation(nc, { stationId: 'CS-2', action: 'Reset', payload: {} }),
      appError('station_offline', /CS-2 is not connected/),
    )
    await assert.rejects(
      callStation(nc, { stationId: 'CS-1', action: 'GetLog', payload: {}, timeoutMs: 200 }),
      appError('timeout', /CS-1 did not answer in time/),
    )
  })

  it('refuses a call larger than NATS max_payload without sending it', async () => {
    const before = seen.length
    const huge = { data: 'x'.repeat(nc.info?.max_payload ?? 1024 * 1024) }
    await assert.rejects(
      callStation(nc, { stationId: 'CS-1', action: 'Reset', payload: huge }),
      appError('invalid_input', /Reset to station CS-1 is larger than the CSMS bus carries/),
    )
    await nc.flush()
    assert.equal(seen.length, before)
  })

  it('throws unavailable on a closed connection', async () => {
    const closed = await connect({ servers: nats.url })
    await closed.close()
    await assert.rejects(
      callStation(closed, { stationId: 'CS-1', action: 'Reset', payload: {} }),
      appError('unavailable', /NATS connection closed/),
    )
  })
})
