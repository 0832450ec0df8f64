import { validateRequest, validateResponse } from '@csms/ocpp'
import { type Logger, METRIC, type Metrics, withSpan } from '@csms/telemetry'
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core'
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

/**
 * Subscribes every handler to `ocpp.in.<ver>.<Action>.*` and does what all services share:
 * parse, validate the payload at this service's edge, trace, call the handler, check the
 * response against the official schema, reply, and map errors to OCPP-J codes.
 */
export function runOcppHandlers(opts: OcppRunnerOptions): Subscription[] {
  const duration = opts.metrics?.histogram(
    METRIC.handlerDuration,
    'Time a service spends answering a station CALL',
    ['action', 'outcome'],
  )
  const inflight = inflightOf(opts.nc)
  return opts.handlers.map((handler) =>
    inflight.subscription(
      opts.nc.subscribe(ocppInPattern(handler.version, handler.action), {
        queue: opts.queue,
        callback: (err, msg) => {
          if (err) return
          const started = performance.now()
          void inflight
            .work(answer(handler, msg))
            .then((outcome) =>
              duration?.observe({ action: handler.action, outcome }, (performance.now() - started) / 1000),
            )
        },
      }),
    ),
  )

  async function answer(handler: AnyOcppHandler, msg: Msg): Promise<string> {
    const token = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
    const stationId = decodeStationId(token)
    const messageId = msg.headers?.get(HEADER.messageId) ?? ''
    let payload: unknown
    try {
      payload = decodeJson(msg.data)
    } catch {
      replyOcpp(msg, { ok: false, code: 'FormatViolation', description: 'payload is not JSON', details: {} })
      return 'invalid'
    }
    const checked = validateRequest(handler.version, handler.action, payload)
    if (!checked.ok) {
      replyOcpp(msg, { ok: false, ...checked.error })
      return 'invalid'
    }
    const carrier = { get: (k: string) => msg.headers?.get(k) || undefined, set: () => {} }
    const attributes = {
      'ocpp.action': handler.action,
      'ocpp.station_id': stationId,
      'ocpp.version': handler.version,
    }
    try {
      const response = await withSpan(`ocpp ${handler.action}`, carrier, attributes, () =>
        handler.handle({ stationId, version: handler.version, messageId, payload: checked.value as never }),
      )
      const valid = validateResponse(handler.version, handler.action, response)
      if (!valid.ok) {
        opts.logger.error(
          { action: handler.action, stationId, error: valid.error },
          'handler answered out of schema',
        )
        replyOcpp(msg, {
          ok: false,
          code: 'InternalError',
          description: 'response failed schema',
          details: {},
        })
        return 'error'
      }
      replyOcpp(msg, { ok: true, payload: response })
      return 'ok'
    } catch (error) {
      const retryable = isAppError(error) && error.retryable
      opts.logger.error({ err: error, action: handler.action, stationId }, 'handler failed')
      replyOcpp(msg, {
        ok: false,
        code: 'InternalError',
        description: retryable ? 'temporarily unavailable, retry later' : 'internal error',
        details: {},
      })
      return 'error'
    }
  }
}
