import { injectTrace } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import { headers, RequestError, TimeoutError } from '@nats-io/nats-core'
import type { Context } from '@opentelemetry/api'
import { AppError } from './app-error.js'
import { HEADER } from './headers.js'
import { encodeJson, type OcppReply, readOcppReply } from './nats-payload.js'
import { ocppOutSubject } from './subjects.js'

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
 * gateway holds the station and `timeout` when no answer came in time.
 */
export async function callStation(nc: NatsConnection, opts: StationCallOptions): Promise<OcppReply> {
  const h = headers()
  const timeoutMs = opts.timeoutMs ?? 30_000
  h.set(HEADER.stationId, opts.stationId)
  h.set(HEADER.timeoutMs, String(timeoutMs))
  injectTrace({ get: (k) => h.get(k) || undefined, set: (k, v) => h.set(k, v) }, opts.trace)
  try {
    const msg = await nc.request(ocppOutSubject(opts.stationId, opts.action), encodeJson(opts.payload), {
      timeout: timeoutMs,
      headers: h,
    })
    return readOcppReply(msg)
  } catch (error) {
    throw toStationCallError(error, opts.stationId)
  }
}

export function toStationCallError(error: unknown, stationId: string): AppError {
  if (error instanceof RequestError && error.isNoResponders()) {
    return new AppError('station_offline', `station ${stationId} is not connected`, { cause: error })
  }
  if (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) {
    return new AppError('timeout', `station ${stationId} did not answer in time`, { cause: error })
  }
  return new AppError('unavailable', `request to station ${stationId} failed`, { cause: error })
}
