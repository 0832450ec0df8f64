import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createLogger, initTracing, shutdownTracing } from '@csms/telemetry'
import { type NatsHandle, startNats } from '@csms/testkit'
import { headers, type NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { type SpanContext, trace } from '@opentelemetry/api'
import { z } from 'zod'
import {
  callRpc,
  defineHandler,
  defineRpc,
  ocppInSubject,
  readOcppReply,
  runOcppHandlers,
} from '../src/index.js'

const probeRpc = defineRpc('v2g', 'trace-probe', z.object({}), z.object({}))
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT_SPAN_ID = '00f067aa0ba902b7'

type Seen = { span: SpanContext | undefined; active: boolean; downstream: string | undefined }

describe('the OCPP handler runner traces', () => {
  let nats: NatsHandle
  let service: NatsConnection
  let station: NatsConnection
  const seen: Seen[] = []

  before(async () => {
    initTracing('bus-test', {})
    nats = await startNats()
    service = await connect({ servers: nats.url })
    station = await connect({ servers: nats.url })
    let downstream: string | undefined
    service.subscribe(probeRpc.subject, {
      callback: (_err, msg) => {
        downstream = msg.headers?.get('traceparent') || undefined
        msg.respond(JSON.stringify({}))
      },
    })
    runOcppHandlers({
      nc: service,
      queue: 'test',
      logger: createLogger('bus-test'),
      handlers: [
        defineHandler({
          version: 'v201',
          action: 'Heartbeat',
          async handle(ctx) {
            const active = trace.getActiveSpan() !== undefined
            await callRpc(service, probeRpc, {}, { trace: ctx.trace })
            seen.push({ span: trace.getSpanContext(ctx.trace), active, downstream })
            return { currentTime: new Date().toISOString() }
          },
        }),
      ],
    })
    await service.flush()
  })
  after(async () => {
    await station?.close()
    await service?.close()
    await nats?.stop()
    await shutdownTracing()
  })

  const heartbeat = async (traceparent?: string) => {
    const h = headers()
    if (traceparent) h.set('traceparent', traceparent)
    const msg = await station.request(ocppInSubject('v201', 'Heartbeat', 'ST-1'), JSON.stringify({}), {
      timeout: 5_000,
      headers: h,
    })
    assert.equal(readOcppReply(msg).ok, true)
    return seen.at(-1) as Seen
  }

  it('continues the trace of the traceparent header in a span passed to the handler, not made active', async () => {
    const s = await heartbeat(`00-${TRACE_ID}-${PARENT_SPAN_ID}-01`)
    assert.equal(s.active, false)
    assert.equal(s.span?.traceId, TRACE_ID)
    assert.notEqual(s.span?.spanId, PARENT_SPAN_ID)
  })

  it("propagates the handler's span on the handler's outbound requests", async () => {
    const s = await heartbeat(`00-${TRACE_ID}-${PARENT_SPAN_ID}-01`)
    assert.equal(s.downstream, `00-${TRACE_ID}-${s.span?.spanId}-01`)
  })

  it('starts a new trace when the CALL carries none', async () => {
    const s = await heartbeat()
    assert.match(s.span?.traceId ?? '', /^[0-9a-f]{32}$/)
    assert.notEqual(s.span?.traceId, TRACE_ID)
    assert.equal(s.downstream?.split('-')[1], s.span?.traceId)
  })
})
