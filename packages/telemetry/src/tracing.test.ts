import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api'
import {
  endSpan,
  type HeaderCarrier,
  initTracing,
  injectTrace,
  openRootSpan,
  openSpan,
  shutdownTracing,
  traceparentOf,
  tracestateOf,
} from './tracing.js'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN_ID = '00f067aa0ba902b7'

function carrier(headers: Record<string, string> = {}): HeaderCarrier & { headers: Record<string, string> } {
  return {
    headers,
    get: (k) => headers[k],
    set(k, v) {
      headers[k] = v
    },
  }
}

describe('openSpan without an exporter', () => {
  before(() => initTracing('telemetry-test', {}))
  after(() => shutdownTracing())

  it('continues the trace of the carrier with a span id of its own', () => {
    const { span, context } = openSpan('x', carrier({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }), {})
    const sc = span.spanContext()
    assert.equal(sc.traceId, TRACE_ID)
    assert.match(sc.spanId, /^[0-9a-f]{16}$/)
    assert.notEqual(sc.spanId, SPAN_ID)
    assert.equal(trace.getSpanContext(context)?.spanId, sc.spanId)
    const out = carrier()
    injectTrace(out, context)
    assert.equal(out.headers.traceparent, `00-${TRACE_ID}-${sc.spanId}-01`)
    endSpan(span)
  })

  it('keeps an unsampled parent unsampled and its tracestate', () => {
    const { context } = openSpan(
      'x',
      carrier({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`, tracestate: 'vendor=a' }),
      {},
    )
    const out = carrier()
    injectTrace(out, context)
    assert.match(out.headers.traceparent ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`))
    assert.equal(out.headers.tracestate, 'vendor=a')
  })

  it('starts a new sampled trace when the carrier has none', () => {
    const a = openSpan('x', carrier(), {}).span.spanContext()
    const b = openSpan('x', undefined, {}).span.spanContext()
    assert.match(a.traceId, /^[0-9a-f]{32}$/)
    assert.notEqual(a.traceId, b.traceId)
    assert.equal(a.traceFlags, 1)
  })

  it('writes the same traceparent and tracestate by hand as the propagator does', () => {
    for (const parent of [
      { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: 'vendor=a,other=b' },
      { traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` },
      {},
    ]) {
      const { context } = openSpan('x', carrier({ ...parent }), {})
      const out = carrier()
      injectTrace(out, context)
      assert.equal(traceparentOf(context), out.headers.traceparent)
      assert.equal(tracestateOf(context), out.headers.tracestate)
    }
    assert.equal(traceparentOf(ROOT_CONTEXT), undefined)
  })

  it('records nothing: the span is dropped anyway', () => {
    const { span } = openSpan('x', carrier(), {})
    assert.equal(span.isRecording(), false)
    endSpan(span, new Error('boom'))
  })
})

describe('openRootSpan', () => {
  const attributes = () => ({ 'ocpp.action': 'Heartbeat' })

  describe('without an exporter', () => {
    before(() => initTracing('telemetry-test', {}))
    after(() => shutdownTracing())

    it('starts a new sampled trace per span, which the next hop continues', () => {
      const made: string[] = []
      for (let i = 0; i < 3; i++) {
        const span = openRootSpan(
          'x',
          () => assert.fail('attributes of a span nobody records'),
          SpanKind.CLIENT,
        )
        assert.match(span.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
        assert.equal(span.tracestate, undefined)
        made.push(span.traceparent ?? '')
        span.fail('timeout')
        span.end()
      }
      assert.equal(new Set(made.map((t) => t.slice(3, 35))).size, 3)
      const next = openSpan('y', carrier({ traceparent: made[0] as string }), {})
      assert.equal(next.span.spanContext().traceId, made[0]?.slice(3, 35))
      assert.equal(traceparentOf(next.context)?.slice(0, 36), made[0]?.slice(0, 36))
    })

    it('writes what openSpan without a carrier would have written', () => {
      const { context } = openSpan('x', undefined, {})
      const root = openRootSpan('x', attributes, SpanKind.CLIENT)
      assert.equal(root.traceparent?.length, traceparentOf(context)?.length)
      assert.equal(root.traceparent?.slice(-3), traceparentOf(context)?.slice(-3))
    })
  })
})
