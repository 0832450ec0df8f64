import { encodeJson, HEADER, type OcppReply, ocppInSubject, readOcppReply } from '@csms/bus'
import { injectTrace, withSpan } from '@csms/telemetry'
import { headers, type MsgHdrs, RequestError } from '@nats-io/transport-node'
import type { InboundCall } from './inbound-calls.js'
import type { StationSession } from './station-session.js'

function metaHeaders(s: StationSession, messageId: string): MsgHdrs {
  const h = headers()
  h.set(HEADER.stationId, s.facts.stationId)
  h.set(HEADER.messageId, messageId)
  h.set(HEADER.protocol, s.facts.protocol)
  h.set(HEADER.gatewayId, s.ctx.gatewayId)
  // The station's CALL starts the trace; the owning service continues it from this header.
  injectTrace({ get: (k) => h.get(k) || undefined, set: (k, v) => h.set(k, v) })
  return h
}

/**
 * Forwards a station CALL as a NATS request to the service that owns the action. Never throws:
 * no responder or no answer in time becomes CALLERROR InternalError, as ARCHITECTURE.md says.
 */
export async function forwardCall(s: StationSession, call: InboundCall): Promise<OcppReply> {
  const { ctx, facts } = s
  const started = performance.now()
  const attributes = {
    'ocpp.action': call.action,
    'ocpp.station_id': facts.stationId,
    'ocpp.version': facts.version,
  }
  try {
    return await withSpan(`ocpp ${call.action}`, undefined, attributes, async () => {
      const msg = await ctx.nc.request(
        ocppInSubject(facts.version, call.action, facts.stationId),
        encodeJson(call.payload),
        {
          timeout: ctx.natsTimeoutMs,
          headers: metaHeaders(s, call.id),
        },
      )
      return readOcppReply(msg)
    })
  } catch (error) {
    const noResponders = error instanceof RequestError && error.isNoResponders()
    ctx.logger.error(
      {
        stationId: facts.stationId,
        action: call.action,
        noResponders,
        err: noResponders ? undefined : error,
      },
      noResponders ? 'no service answers this action' : 'no answer from the owning service in time',
    )
    return {
      ok: false,
      code: 'InternalError',
      description: 'CSMS could not process the request, retry later',
      details: {},
    }
  } finally {
    ctx.metrics.natsDuration.observe({ action: call.action }, (performance.now() - started) / 1000)
  }
}

/** OCPP 2.1 SEND: an unconfirmed message, published to the owner without waiting for a reply. */
export function publishSend(s: StationSession, action: string, payload: unknown, messageId: string): void {
  s.ctx.nc.publish(ocppInSubject(s.facts.version, action, s.facts.stationId), encodeJson(payload), {
    headers: metaHeaders(s, messageId),
  })
}
