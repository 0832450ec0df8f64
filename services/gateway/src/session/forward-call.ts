import { encodeJson, HEADER, type OcppReply, ocppInSubject, readOcppReply } from '@csms/bus'
import { injectTrace } from '@csms/telemetry'
import { headers, type MsgHdrs } from '@nats-io/transport-node'
import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { InboundCall } from './inbound-calls.js'
import type { StationSession } from './station-session.js'

const tracer = trace.getTracer('csms-gateway')

function metaHeaders(s: StationSession, messageId: string, traced: Context): MsgHdrs {
  const h = headers()
  h.set(HEADER.stationId, s.facts.stationId)
  h.set(HEADER.messageId, messageId)
  h.set(HEADER.protocol, s.facts.protocol)
  h.set(HEADER.gatewayId, s.ctx.gatewayId)
  injectTrace({ get: (k) => h.get(k) || undefined, set: (k, v) => h.set(k, v) }, traced)
  return h
}

/**
 * The station's CALL starts a trace here; the owning service continues it from `traceparent`.
 * The span's context is passed explicitly, never made "active": activating it would switch on
 * AsyncLocalStorage, whose promise hooks then tax every promise in the process (measured: a
 * fifth of the gateway's CPU per CALL).
 */
function startCallSpan(s: StationSession, action: string, kind: SpanKind): [Span, Context] {
  const span = tracer.startSpan(`ocpp ${action}`, { kind }, ROOT_CONTEXT)
  // Attributes only where they go somewhere: with no exporter a span is just its ids.
  if (span.isRecording()) {
    span.setAttributes({
      'ocpp.action': action,
      'ocpp.station_id': s.facts.stationId,
      'ocpp.version': s.facts.version,
    })
  }
  return [span, trace.setSpan(ROOT_CONTEXT, span)]
}

/**
 * Forwards a station CALL as a NATS request to the service that owns the action. Never throws:
 * no responder or no answer in time becomes CALLERROR InternalError, as ARCHITECTURE.md says.
 */
export async function forwardCall(s: StationSession, call: InboundCall): Promise<OcppReply> {
  const { ctx, facts } = s
  const started = performance.now()
  const [span, traced] = startCallSpan(s, call.action, SpanKind.CLIENT)
  try {
    const outcome = await ctx.requester.request(
      ocppInSubject(facts.version, call.action, facts.stationId),
      encodeJson(call.payload),
      { timeoutMs: ctx.natsTimeoutMs, headers: metaHeaders(s, call.id, traced) },
    )
    if (outcome.ok) {
      const reply = readOcppReply(outcome.msg)
      if (!reply.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: reply.code })
      return reply
    }
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason })
    ctx.logger.error(
      { stationId: facts.stationId, action: call.action, reason: outcome.reason },
      'no answer from the owning service',
    )
    return {
      ok: false,
      code: 'InternalError',
      description: 'CSMS could not process the request, retry later',
      details: {},
    }
  } catch (error) {
    // readOcppReply on a reply that is not JSON: the owning service is broken, not the station.
    ctx.logger.error(
      { stationId: facts.stationId, action: call.action, err: error },
      'unreadable reply from the owning service',
    )
    return {
      ok: false,
      code: 'InternalError',
      description: 'CSMS could not process the request',
      details: {},
    }
  } finally {
    span.end()
    ctx.metrics.natsDuration.observe({ action: call.action }, (performance.now() - started) / 1000)
  }
}

/** OCPP 2.1 SEND: an unconfirmed message, published to the owner without waiting for a reply. */
export function publishSend(s: StationSession, action: string, payload: unknown, messageId: string): void {
  const [span, traced] = startCallSpan(s, action, SpanKind.PRODUCER)
  s.ctx.nc.publish(ocppInSubject(s.facts.version, action, s.facts.stationId), encodeJson(payload), {
    headers: metaHeaders(s, messageId, traced),
  })
  span.end()
}
