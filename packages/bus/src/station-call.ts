import type { NatsConnection } from '@nats-io/nats-core'
import { type Context, context } from '@opentelemetry/api'
import { AppError } from './app-error.js'
import { HEADER } from './headers.js'
import { type OcppReply, readOcppReply } from './nats-payload.js'
import { type RequestOutcome, requesterOf } from './nats-requester.js'
import { ocppOutSubject } from './subjects.js'
import { traceHeaderPairs, wireHeaderText } from './wire-headers.js'

export type StationCallOptions = {
  stationId: string
  action: string
  payload: unknown
  /** How long to wait for the station's answer, queueing in the gateway included. */
  timeoutMs?: number
  /** The trace to continue (an OCPP handler's `ctx.trace`); the active context otherwise. */
  trace?: Context | undefined
}

/**
 * Sends a CSMS-initiated CALL to a station through whichever gateway pod holds its socket.
 * Resolves with the station's CALLRESULT or CALLERROR; throws AppError `station_offline` when no
 * gateway holds the station and `timeout` when no answer came in time. Goes through the
 * connection's shared requester (`requesterOf`), as callRpc does: nats.js's request() made an
 * Error with its stack and a timer for every call, and a rebalance sends many at once.
 */
export async function callStation(nc: NatsConnection, opts: StationCallOptions): Promise<OcppReply> {
  if (nc.isClosed()) throw stationCallError('closed', opts)
  const timeoutMs = opts.timeoutMs ?? 30_000
  const trace = opts.trace ?? context.active()
  const outcome = await requesterOf(nc).request(
    ocppOutSubject(opts.stationId, opts.action),
    JSON.stringify(opts.payload),
    {
      timeoutMs,
      headers: wireHeaderText(
        HEADER.stationId,
        opts.stationId,
        HEADER.timeoutMs,
        String(timeoutMs),
        ...traceHeaderPairs(trace),
      ),
    },
  )
  if (!outcome.ok) throw stationCallError(outcome.reason, opts)
  return readOcppReply(outcome.msg)
}

/** Why a station call got no answer, as the AppError its callers map (API status, retries). */
function stationCallError(
  reason: Extract<RequestOutcome, { ok: false }>['reason'],
  call: Pick<StationCallOptions, 'stationId' | 'action'>,
): AppError {
  const station = `station ${call.stationId}`
  switch (reason) {
    case 'no_responders':
      return new AppError('station_offline', `${station} is not connected`)
    case 'timeout':
      return new AppError('timeout', `${station} did not answer in time`)
    case 'too_large':
      // The CSMS built a call larger than NATS's max_payload: a retry cannot succeed.
      return new AppError('invalid_input', `${call.action} to ${station} is larger than the CSMS bus carries`)
    case 'closed':
      return new AppError('unavailable', `request to ${station} failed: NATS connection closed`)
  }
}
