import { decodeStationId, ocppOutPattern } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { Msg, NatsConnection } from '@nats-io/transport-node'
import type { GatewayMetrics } from '../gateway-metrics.js'
import type { SessionContext } from '../session/session-context.js'
import { StationSession } from '../session/station-session.js'
import type { ConnectionEvents } from './connection-events.js'
import type { StationRegistry } from './station-registry.js'
import { CLOSE, type StationSocket } from './station-socket.js'

export type SocketHandlerDeps = {
  nc: NatsConnection
  gatewayId: string
  logger: Logger
  metrics: GatewayMetrics
  ctx: SessionContext
  registry: StationRegistry
  events: ConnectionEvents
  /** While draining no new CSMS calls are taken: they find the station on its next pod. */
  isDraining: () => boolean
}

const decoder = new TextDecoder()
// uWS's own reason when a frame exceeds maxPayloadLength; it then drops the TCP connection.
const TOO_BIG = 'Received too big message'

// ocpp.out.<station token>.<Action>: the token sits between this prefix and the last dot.
const OUT_PREFIX = ocppOutPattern('x').slice(0, -'x.>'.length)

/** open / message / close of a station socket: the session's life and its NATS interest. */
export function createSocketHandlers(d: SocketHandlerDeps) {
  // One callback for every station's ocpp.out subscription, not a closure per station: at tens
  // of thousands of idle stations per pod, every object per station counts.
  const onCsmsCall = (err: Error | null, msg: Msg) => {
    if (err) return
    const token = msg.subject.slice(OUT_PREFIX.length, msg.subject.lastIndexOf('.'))
    d.registry.session(decodeStationId(token))?.onCsmsCall(msg)
  }
  return {
    open(ws: StationSocket): void {
      const u = ws.getUserData()
      u.openedAt = Date.now()
      const session = new StationSession(d.ctx, u, ws)
      u.session = session
      // Interest first, then the kick: NATS keeps this order, so by the time the older socket
      // hears of this one, CSMS calls already reach this one.
      if (!d.isDraining()) u.outSub = d.nc.subscribe(ocppOutPattern(u.stationId), { callback: onCsmsCall })
      d.registry.add(ws)
      d.metrics.connections.inc({ protocol: u.protocol })
      const { stationId, connectionId, protocol, remoteAddress } = u
      d.logger.debug({ stationId, connectionId, protocol, remoteAddress }, 'station connected')
      const at = new Date(u.openedAt).toISOString()
      d.events.connected({ stationId, connectionId, gatewayId: d.gatewayId, protocol, remoteAddress, at })
    },

    message(ws: StationSocket, message: ArrayBuffer, isBinary: boolean): void {
      const session = ws.getUserData().session
      if (!session) return
      if (isBinary) {
        d.metrics.messages.inc({ direction: 'in', action: 'unknown', outcome: 'binary_frame' })
        ws.end(CLOSE.unsupportedData, 'OCPP-J uses text frames')
        return
      }
      session.onFrame(decoder.decode(message))
    },

    /** uWS wrote out some of what was buffered for a slow reader. */
    drain(ws: StationSocket): void {
      if (ws.getBufferedAmount() === 0) d.ctx.buffering.delete(ws)
    },

    close(ws: StationSocket, code: number, message: ArrayBuffer): void {
      const u = ws.getUserData()
      d.ctx.buffering.delete(ws)
      const reason = decoder.decode(message)
      u.outSub?.unsubscribe()
      u.outSub = undefined
      d.registry.remove(ws)
      d.metrics.connections.dec({ protocol: u.protocol })
      u.session?.dispose(reason || `close ${code}`)
      u.session = undefined
      if (reason === TOO_BIG)
        d.metrics.messages.inc({ direction: 'in', action: 'unknown', outcome: 'frame_too_large' })
      d.logger.info(
        { stationId: u.stationId, connectionId: u.connectionId, code, reason },
        'station disconnected',
      )
      const at = new Date().toISOString()
      d.events.disconnected({
        stationId: u.stationId,
        connectionId: u.connectionId,
        gatewayId: d.gatewayId,
        code,
        reason,
        at,
      })
    },
  }
}
