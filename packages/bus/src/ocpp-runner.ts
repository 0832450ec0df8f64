import { validateRequest, validateResponse } from '@csms/ocpp'
import { endSpan, type HeaderCarrier, type Logger, METRIC, type Metrics, openSpan } from '@csms/telemetry'
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/nats-core'
import { isAppError } from './app-error.js'
import { HEADER } from './headers.js'
import { inflightOf } from './inflight.js'
import { decodeJson, replyOcpp } from './nats-payload.js'
import type { AnyOcppHandler } from './ocpp-handler.js'
import { decodeStationId } from './station-token.js'
import { ocppInPattern } from './subjects.js'

export type OcppRunnerOptions = {
  nc: NatsConnection
  /** The service's queue group: replicas share the load, exactly one answers each CALL. */
  queue: string
  handlers: readonly AnyOcppHandler[]
  logger: Logger
  metrics?: Metrics
}

type Outcome = 'ok' | 'invalid' | 'error'

/**
 * Subscribes every handler to `ocpp.in.<ver>.<Action>.*` and does what all services share:
 * parse, validate the payload at this service's edge, trace, call the handler, check the
 * response against the official schema, reply, and map errors to OCPP-J codes.
 *
 * The span continues the gateway's trace (`traceparent`) and reaches the handler as an
 * explicit context (`ctx.trace`), never as the "active" one: activating a context switches on
 * AsyncLocalStorage, whose promise hooks tax every promise of the process.
 */
export function runOcppHandlers(opts: OcppRunnerOptions): Subscription[] {
  const duration = opts.metrics?.histogram(
    METRIC.handlerDuration,
    'Time a service spends answering a station CALL',
    ['action', 'outcome'],
  )
  const inflight = inflightOf(opts.nc)
  return opts.handlers.map((handler) => {
    // Children made once per handler, so a message only bumps numbers, never looks labels up.
    const children = duration && {
      ok: duration.labels({ action: handler.action, outcome: 'ok' }),
      invalid: duration.labels({ action: handler.action, outcome: 'invalid' }),
      error: duration.labels({ action: handler.action, outcome: 'error' }),
    }
    const observe = (outcome: Outcome, started: number) =>
      children?.[outcome].observe((performance.now() - started) / 1000)
    return inflight.subscription(
      opts.nc.subscribe(ocppInPattern(handler.version, handler.action), {
        queue: opts.queue,
        callback: (err, msg) => {
          if (err) return
          const started = performance.now()
          const call = readCall(handler, msg)
          if (!call.ok) {
            observe('invalid', started)
            return
          }
          void inflight.work(answer(handler, call)).then((outcome) => observe(outcome, started))
        },
      }),
    )
  })

  // Takes the decoded CALL, not the message: a message's payload is a view of the socket's read
  // buffer, which every CALL waiting for its database flush would otherwise keep alive.
  async function answer(handler: AnyOcppHandler, call: ValidCall): Promise<Outcome> {
    const { reply, stationId, messageId, payload } = call
    const respond: Responder = {
      respond(data, o) {
        if (!reply) return false
        opts.nc.publish(reply, data, o)
        return true
      },
    }
    const { span, context } = openSpan(`ocpp ${handler.action}`, call.trace, {
      'ocpp.action': handler.action,
      'ocpp.station_id': stationId,
      'ocpp.version': handler.version,
    })
    let spanOpen = true
    try {
      const response = await handler.handle({
        stationId,
        version: handler.version,
        messageId,
        payload: payload as never,
        trace: context,
      })
      spanOpen = false
      endSpan(span)
      const valid = validateResponse(handler.version, handler.action, response)
      if (!valid.ok) {
        opts.logger.error(
          { action: handler.action, stationId, error: valid.error },
          'handler answered out of schema',
        )
        replyOcpp(respond, {
          ok: false,
          code: 'InternalError',
          description: 'response failed schema',
          details: {},
        })
        return 'error'
      }
      replyOcpp(respond, { ok: true, payload: response })
      return 'ok'
    } catch (error) {
      if (spanOpen) endSpan(span, error)
      const retryable = isAppError(error) && error.retryable
      opts.logger.error({ err: error, action: handler.action, stationId }, 'handler failed')
      replyOcpp(respond, {
        ok: false,
        code: 'InternalError',
        description: retryable ? 'temporarily unavailable, retry later' : 'internal error',
        details: {},
      })
      return 'error'
    }
  }
}

type Responder = Pick<Msg, 'respond'>
type ValidCall = {
  ok: true
  reply: string
  stationId: string
  messageId: string
  payload: unknown
  trace: HeaderCarrier | undefined
}
type Call = { ok: false } | ValidCall

/** Decodes and validates a CALL; an invalid one is answered here with its CALLERROR. */
function readCall(handler: AnyOcppHandler, msg: Msg): Call {
  const token = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
  const hdrs = msg.headers
  let payload: unknown
  try {
    payload = decodeJson(msg.data)
  } catch {
    replyOcpp(msg, { ok: false, code: 'FormatViolation', description: 'payload is not JSON', details: {} })
    return { ok: false }
  }
  const checked = validateRequest(handler.version, handler.action, payload)
  if (!checked.ok) {
    replyOcpp(msg, { ok: false, ...checked.error })
    return { ok: false }
  }
  return {
    ok: true,
    reply: msg.reply ?? '',
    stationId: decodeStationId(token),
    messageId: hdrs?.get(HEADER.messageId) ?? '',
    payload: checked.value,
    trace: hdrs && traceOf(hdrs),
  }
}

/** Reads trace headers off a NATS message; an empty value counts as absent. */
function traceOf(h: MsgHdrs): HeaderCarrier | undefined {
  const traceparent = h.get(HEADER.traceparent)
  if (!traceparent) return undefined
  const tracestate = h.get('tracestate')
  return {
    get: (k) =>
      k === HEADER.traceparent ? traceparent : k === 'tracestate' ? tracestate || undefined : undefined,
    set: () => {},
  }
}
