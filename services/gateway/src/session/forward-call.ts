import {
  extendWireHeaders,
  HEADER,
  type OcppReply,
  ocppInSubject,
  type RequestOutcome,
  readOcppReply,
} from '@csms/bus'
import { openRootSpan, type RootSpan } from '@csms/telemetry'
import type { Msg } from '@nats-io/transport-node'
import { SpanKind } from '@opentelemetry/api'
import type { InboundCall } from './inbound-calls.js'
import type { StationSession } from './station-session.js'

/** The metadata the owning service reads beside the payload, and the trace it continues. */
function metaHeaders(s: StationSession, messageId: string, span: RootSpan): string {
  return extendWireHeaders(
    s.headerBlock(),
    HEADER.messageId,
    messageId,
    HEADER.traceparent,
    span.traceparent,
    'tracestate',
    span.tracestate,
  )
}

/** The station's CALL starts a trace here; the owning service continues it from `traceparent`. */
function startCallSpan(s: StationSession, action: string, kind: SpanKind): RootSpan {
  const { stationId, version } = s.facts
  return openRootSpan(
    `ocpp ${action}`,
    () => ({ 'ocpp.action': action, 'ocpp.station_id': stationId, 'ocpp.version': version }),
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

/** CALLERROR InternalError: the CSMS, not the station, could not handle the CALL. */
const internalError = (description: string): StationReply => ({
  ok: false,
  code: 'InternalError',
  description,
  details: {},
})

/** The CALLERROR for an outcome that is not the owner's answer. */
function unanswered(s: StationSession, call: InboundCall, reason: string): StationReply {
  const { stationId } = s.facts
  if (reason === 'too_large') {
    // CSMS_GATEWAY_MAX_FRAME_BYTES above NATS's max_payload: a retry cannot succeed.
    s.ctx.logger.error({ stationId, action: call.action }, 'CALL larger than NATS max_payload')
    return internalError('message too large for the CSMS bus')
  }
  s.ctx.logger.error({ stationId, action: call.action, reason }, 'no answer from the owning service')
  return internalError('CSMS could not process the request, retry later')
}

/** What the station gets for the request's outcome; never throws. */
function replyOf(s: StationSession, call: InboundCall, outcome: RequestOutcome): StationReply {
  if (!outcome.ok) return unanswered(s, call, outcome.reason)
  try {
    return readStationReply(outcome.msg)
  } catch (error) {
    // readOcppReply on a reply that is not JSON: the owning service is broken, not the station.
    s.ctx.logger.error(
      { stationId: s.facts.stationId, action: call.action, err: error },
      'unreadable reply from the owning service',
    )
    return internalError('CSMS could not process the request')
  }
}

/**
 * Forwards a station CALL as a NATS request to the service that owns the action, and calls
 * `done` once with the answer (from the reply's NATS callback: no promise per CALL). Never
 * fails: no responder or no answer in time becomes CALLERROR InternalError, as ARCHITECTURE.md
 * says.
 */
export function forwardCall(s: StationSession, call: InboundCall, done: (reply: StationReply) => void): void {
  const { ctx, facts } = s
  const started = performance.now()
  const span = startCallSpan(s, call.action, SpanKind.CLIENT)
  let headers: string
  try {
    headers = metaHeaders(s, call.id, span)
  } catch (error) {
    // A message id with CR or LF (a string OCPP allows) cannot be a NATS header value.
    ctx.logger.warn(
      { stationId: facts.stationId, action: call.action, err: error },
      'CALL not forwarded: its message id cannot be carried in a NATS header',
    )
    span.fail('unforwardable message id')
    span.end()
    const reply = internalError('CSMS could not process the request: the message id holds a line break')
    queueMicrotask(() => done(reply))
    return
  }
  ctx.requester.send(
    ocppInSubject(facts.version, call.action, facts.stationId),
    JSON.stringify(call.payload),
    { timeoutMs: ctx.natsTimeoutMs, headers },
    (outcome) => {
      const reply = replyOf(s, call, outcome)
      if (!reply.ok) span.fail(outcome.ok ? reply.code : outcome.reason)
      span.end()
      ctx.metrics.natsRequestEnded(call.action, (performance.now() - started) / 1000)
      done(reply)
    },
  )
}

/** OCPP 2.1 SEND: an unconfirmed message, published to the owner without waiting for a reply. */
export function publishSend(s: StationSession, action: string, payload: unknown, messageId: string): void {
  const span = startCallSpan(s, action, SpanKind.PRODUCER)
  try {
    s.ctx.wire.publish({
      subject: ocppInSubject(s.facts.version, action, s.facts.stationId),
      payload: JSON.stringify(payload),
      headers: metaHeaders(s, messageId, span),
    })
  } catch (error) {
    // Unconfirmed: the station hears nothing either way. A line break in its message id, NATS
    // closed or draining, or a message over max_payload.
    span.fail('not published')
    s.ctx.logger.warn({ stationId: s.facts.stationId, action, err: error }, 'SEND not published')
  }
  span.end()
}
