import type { WebSocket } from 'uWebSockets.js'
import type { OcppVersion } from '@csms/ocpp'
import type { Subscription } from '@nats-io/transport-node'
import type { StationSession } from '../session/station-session.js'

/** What uWS keeps per socket: the upgrade's facts, then the session and its ocpp.out interest. */
export type StationData = {
  stationId: string
  version: OcppVersion
  protocol: string
  connectionId: string
  remoteAddress: string
  /** Date.now() when the socket opened: the newer of two sockets for one station wins. */
  openedAt: number
  session?: StationSession | undefined
  outSub?: Subscription | undefined
}

export type StationSocket = WebSocket<StationData>

/** Close codes the gateway sends (4000-4999 are free for applications, RFC 6455 §7.4.2). */
export const CLOSE = {
  replaced: 4000,
  serviceRestart: 1012,
  unsupportedData: 1003,
} as const
