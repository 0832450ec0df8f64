import { HEADER, type OcppReply, ocppInSubject, readOcppReply, wireHeaderText } from '@csms/bus'
import { openSpan, type TraceContext, traceparentOf, tracestateOf } from '@csms/telemetry'
import type { Msg } from '@nats-io/transport-node'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { InboundCall } from './inbound-calls.js'
import type { StationSession } from './station-session.js'

/** The metadata the owning service reads beside the payload, and the trace it continues. */
function metaHeaders(s: StationSession, messageId: string, traced: TraceContext): string {
  return wireHeaderText(
    HEADER.stationId,
    s.facts.stationId,
    HEADER.messageId,
    messageId,
    HEADER.protocol,
    s.facts.protocol,
    HEADER.gatewayId,
    s.ctx.gatewayId,
    HEADER.traceparent,
    traceparentOf(traced),
    'tracestate',
    tracestateOf(traced),
  )
}

/**
 * The station's CALL starts a trace here; the owning service continues it from `traceparent`.
 * The span's context is passed explicitly, never made "active" (see `openSpan`).
 */
function startCallSpan(s: StationSession, action: string, kind: SpanKind) {
  return openSpan(
    `ocpp ${action}`,
    undefined,
    { 'ocpp.action': action, 'ocpp.station_id': s.facts.stationId, 'ocpp.version': s.facts.version },
    kind,
  )
}

/** The answer to a station CALL: the owning service's payload as JSON text, or an error. */
export type StationReply = { ok: true; json: string } | Extract<OcppReply, { ok: false }>

/**
 * The owner's reply, its payload kept as text: the service's runner checked it against the
 * official schema and wrote it with JSON.stringify, so the gateway puts it into the CALLRESULT
 * as it is instead of parsing and writing it again. A payload that is not a JSON object is
 * parsed (a reply that is not JSON throws, and the station gets InternalError).
 */
function readStationReply(msg: Msg): StationReply {
  if (msg.headers?.has(HEADER.errorCode)) {
    const reply = readOcppReply(msg)
    if (!reply.ok) return reply
  }
  const d = msg.data
  const json = Buffer.from(d.buffer, d.byteOffset, d.length).toString('utf8')
  if (json.charCodeAt(0) === 0x7b && json.charCodeAt(json.length - 1) === 0x7d) return { ok: true, json }
  return { ok: true, json: JSON.stringify(JSON.parse(json)) }
}

/**
 * Forwards a station CALL as a NATS request to the service that owns the action. Never throws:
 * no responder or no answer in time becomes CALLERROR InternalError, as ARCHITECTURE.md says.
 */
export async function forwardCall(s: StationSession, call: InboundCall): Promise<StationReply> {
  const { ctx, facts } = s
  const started = performance.now()
  const { span, context: traced } = startCallSpan(s, call.action, SpanKind.CLIENT)
  try {
    const outcome = await ctx.requester.request(
      ocppInSubject(facts.version, call.action, facts.stationId),
      JSON.stringify(call.payload),
      { timeoutMs: ctx.natsTimeoutMs, headers: metaHeaders(s, call.id, traced) },
    )
    if (outcome.ok) {
      const reply = readStationReply(outcome.msg)
      if (!reply.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: reply.code })
      return reply
    }
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason })
    if (outcome.reason === 'too_large') {
      // CSMS_GATEWAY_MAX_FRAME_BYTES above NATS's max_payload: a retry cannot succeed.
      ctx.logger.error(
        { stationId: facts.stationId, action: call.action },
        'CALL larger than NATS max_payload',
      )
      return {
        ok: false,
        code: 'InternalError',
        description: 'message too large for the CSMS bus',
        details: {},
      }
    }
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
    ctx.metrics.natsRequestEnded(call.action, (performance.now() - started) / 1000)
  }
}

/** OCPP 2.1 SEND: an unconfirmed message, published to the owner without waiting for a reply. */
export function publishSend(s: StationSession, action: string, payload: unknown, messageId: string): void {
  const { span, context: traced } = startCallSpan(s, action, SpanKind.PRODUCER)
  s.ctx.wire.publish({
    subject: ocppInSubject(s.facts.version, action, s.facts.stationId),
    payload: JSON.stringify(payload),
    headers: metaHeaders(s, messageId, traced),
  })
  span.end()
}
