import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core'
import type { Context } from '@opentelemetry/api'
import type { z } from 'zod'
import { APP_ERROR_CODES, AppError, type AppErrorCode, isAppError } from './app-error.js'
import { HEADER } from './headers.js'
import { inflightOf } from './inflight.js'
import { decodeJson, encodeJson, errorHeaders } from './nats-payload.js'
import { requesterOf } from './nats-requester.js'
import { type ServiceName, serviceSubject } from './subjects.js'
import { traceHeaderPairs, wireHeaderText } from './wire-headers.js'

/** An internal (non-OCPP) request/reply contract between services, typed on both ends. */
export type Rpc<Req extends z.ZodType, Res extends z.ZodType> = {
  service: ServiceName
  subject: string
  request: Req
  response: Res
}

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  service: ServiceName,
  operation: string,
  request: Req,
  response: Res,
): Rpc<Req, Res> {
  return { service, subject: serviceSubject(service, operation), request, response }
}

export async function callRpc<Req extends z.ZodType, Res extends z.ZodType>(
  nc: NatsConnection,
  rpc: Rpc<Req, Res>,
  body: z.input<Req>,
  opts: {
    timeoutMs?: number
    /** Continues this trace (an OCPP handler's `ctx.trace`) in the callee: sets `traceparent`. */
    trace?: Context | undefined
  } = {},
): Promise<z.output<Res>> {
  // A closed connection (a stopping service) answers at once, before any requester is made.
  if (nc.isClosed()) throw new AppError('unavailable', `${rpc.subject} failed: NATS connection closed`)
  // The connection's shared requester: nats.js's request() makes an Error (with its stack) and
  // a timer per call, which a reconnect storm's admissions and every service-to-service call paid.
  const outcome = await requesterOf(nc).request(rpc.subject, JSON.stringify(body), {
    timeoutMs: opts.timeoutMs ?? 5_000,
    headers: opts.trace === undefined ? undefined : traceHeaders(opts.trace),
  })
  if (!outcome.ok) {
    if (outcome.reason === 'no_responders')
      throw new AppError('unavailable', `no ${rpc.service} service answers ${rpc.subject}`, {
        details: NO_RESPONDERS,
      })
    if (outcome.reason === 'timeout') throw new AppError('timeout', `${rpc.subject} timed out`)
    throw new AppError('unavailable', `${rpc.subject} failed: ${outcome.reason}`)
  }
  const msg = outcome.msg
  const code = msg.headers?.get(HEADER.errorCode)
  if (code) {
    const known = (APP_ERROR_CODES as readonly string[]).includes(code) ? (code as AppErrorCode) : 'internal'
    throw new AppError(known, msg.headers?.get(HEADER.errorDescription) ?? code, {
      details: decodeJson(msg.data),
    })
  }
  return rpc.response.parse(decodeJson(msg.data))
}

const NO_RESPONDERS = { reason: 'no_responders' } as const

/** A callRpc that found nobody subscribed to the subject (nats-server's 503), not a slow or failing one. */
export function isNoResponders(error: unknown): boolean {
  return isAppError(error) && error.details === NO_RESPONDERS
}

/** `traceparent` (and `tracestate`) of the caller's span, as a NATS header block; none without a span. */
function traceHeaders(trace: Context): string | undefined {
  const pairs = traceHeaderPairs(trace)
  return pairs[1] === undefined ? undefined : wireHeaderText(...pairs)
}

export type RpcLogger = { error(obj: object, msg: string): void }

/** Answers an Rpc with a queue group so replicas share the load; input is validated here. */
export function serveRpc<Req extends z.ZodType, Res extends z.ZodType>(
  nc: NatsConnection,
  rpc: Rpc<Req, Res>,
  handler: (body: z.output<Req>) => Promise<z.input<Res>>,
  opts: { queue?: string; logger?: RpcLogger } = {},
): Subscription {
  const inflight = inflightOf(nc)
  return inflight.subscription(
    nc.subscribe(rpc.subject, {
      queue: opts.queue ?? rpc.service,
      callback: (err, msg) => {
        if (err) return
        void inflight.work(answer(msg))
      },
    }),
  )

  async function answer(msg: Msg): Promise<void> {
    try {
      const parsed = rpc.request.safeParse(decodeJson(msg.data))
      if (!parsed.success) {
        msg.respond(encodeJson({ issues: parsed.error.issues }), {
          headers: errorHeaders('invalid_input', `invalid ${rpc.subject} request`),
        })
        return
      }
      msg.respond(encodeJson(await handler(parsed.data)))
    } catch (error) {
      if (isAppError(error)) {
        msg.respond(encodeJson(error.details ?? {}), { headers: errorHeaders(error.code, error.message) })
        return
      }
      opts.logger?.error({ err: error, subject: rpc.subject }, 'rpc handler failed')
      msg.respond(encodeJson({}), { headers: errorHeaders('internal', 'internal error') })
    }
  }
}
