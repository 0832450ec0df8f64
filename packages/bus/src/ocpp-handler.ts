import type { ActionOf, OcppVersion, RequestOf, ResponseOf } from '@csms/ocpp'
import type { Context } from '@opentelemetry/api'

export type OcppHandlerContext<V extends OcppVersion, A extends ActionOf<V>> = {
  stationId: string
  version: V
  /** The station's OCPP message id (unique per connection only, never global). */
  messageId: string
  payload: RequestOf<V, A>
  /**
   * The context of the runner's span for this CALL (continuing the gateway's trace). It is not
   * "active": pass it on (`callStation`/`callRpc` option `trace`, `injectTrace`, a child span's
   * parent) to keep the trace going.
   */
  trace: Context
}

/** A station-initiated action's domain logic; the runner does the rest. */
export type OcppHandler<V extends OcppVersion = OcppVersion, A extends ActionOf<V> = ActionOf<V>> = {
  version: V
  action: A
  handle(ctx: OcppHandlerContext<V, A>): Promise<ResponseOf<V, A>>
}

/**
 * Type-checks a handler against the generated schemas of its version and action, then erases
 * the types: the runner validates every payload before `handle` sees it.
 */
export function defineHandler<V extends OcppVersion, A extends ActionOf<V>>(
  handler: OcppHandler<V, A>,
): AnyOcppHandler {
  return handler as unknown as AnyOcppHandler
}

/** The same domain logic answering one action in several protocol versions. */
export type AnyOcppHandler = {
  version: OcppVersion
  action: string
  handle(ctx: {
    stationId: string
    version: OcppVersion
    messageId: string
    payload: never
    trace: Context
  }): Promise<unknown>
}
