import type { NatsRequester, WireWriter } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/transport-node'
import type { GatewayMetrics } from '../gateway-metrics.js'
import type { Inflight } from './inflight.js'
import type { WriteBatch } from './write-batch.js'

/** What the gateway knows about a connected station; fixed for the life of the socket. */
export type StationFacts = {
  readonly stationId: string
  readonly version: OcppVersion
  readonly protocol: string
  readonly connectionId: string
}

/** The socket as a session sees it (uWS WebSocket satisfies it; tests pass a fake). */
export type FrameSink = {
  /** uWS's send status: 1 sent, 0 sent but buffered (backpressure built up), 2 dropped: over the buffer limit. */
  send(message: string, isBinary?: boolean): number
  getBufferedAmount(): number
  /** Closes at once, without a close frame (a slow reader cannot take one). */
  close(): void
}

/**
 * Everything sessions share on one pod, held once rather than per station: tens of thousands of
 * sessions each carrying their own copy of these would cost memory per idle station.
 */
export type SessionContext = {
  nc: NatsConnection
  gatewayId: string
  logger: Logger
  metrics: GatewayMetrics
  inflight: Inflight
  requester: NatsRequester
  /** Publishes written as text straight into nats.js's socket buffer (OCPP 2.1 SEND). */
  wire: WireWriter
  /** Starts NATS requests of one event-loop turn together (see write-batch.ts). */
  batch: WriteBatch
  callTimeoutMs: number
  natsTimeoutMs: number
  maxQueuedCalls: number
  maxQueuedInbound: number
  /**
   * Sockets holding unsent bytes (a send answered "buffered"), until uWS says they drained:
   * the send-buffer gauge reads these, not every socket of the pod.
   */
  buffering: Set<FrameSink>
  /** Every frame in and out, for the message log. */
  log: ((station: StationFacts, direction: 'in' | 'out', frame: string) => void) | undefined
}
