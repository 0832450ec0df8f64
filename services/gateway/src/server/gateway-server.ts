import uWS from 'uWebSockets.js'
import { createFactPublisher, createNatsRequester, createWireWriter } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/transport-node'
import type { GatewayConfig } from '../config.js'
import type { GatewayMetrics } from '../gateway-metrics.js'
import { createInflight } from '../session/inflight.js'
import type { FrameSink, SessionContext } from '../session/session-context.js'
import { createWriteBatch } from '../session/write-batch.js'
import type { Admission } from '../upgrade/admission.js'
import type { FailureLimiter } from '../upgrade/failure-limiter.js'
import { refuse } from '../upgrade/refuse.js'
import { createUpgradeHandler } from '../upgrade/upgrade-handler.js'
import { ConnectionEvents } from './connection-events.js'
import { createApp } from './create-app.js'
import { drainSockets } from './drain.js'
import { createMessageLog } from './message-log.js'
import { startSendBufferSampler } from './send-buffer-sampler.js'
import { createSocketHandlers } from './socket-handlers.js'
import { StationRegistry } from './station-registry.js'
import type { StationData } from './station-socket.js'

/** How long a connection fact may wait for JetStream's ack before it is logged as lost. */
const FACT_TIMEOUT_MS = 10_000

export type GatewayServerDeps = {
  config: GatewayConfig
  gatewayId: string
  nc: NatsConnection
  logger: Logger
  metrics: GatewayMetrics
  admission: Admission
  stationLimiter: FailureLimiter
  addressLimiter: FailureLimiter
}

export type GatewayServer = {
  port: number
  connections(): number
  isDraining(): boolean
  /** Stops accepting, lets in-flight CALLs finish (bounded), closes every socket with 1012. */
  drain(timeoutMs: number): Promise<void>
}

/** The uWebSockets.js server of one gateway pod. */
export async function startGatewayServer(d: GatewayServerDeps): Promise<GatewayServer> {
  const { config } = d
  const { app, tlsHere } = createApp(config)
  const registry = new StationRegistry(d.nc, d.metrics, d.logger)
  const facts = createFactPublisher(d.nc, { timeoutMs: FACT_TIMEOUT_MS })
  const events = new ConnectionEvents(facts.publish, d.logger)
  const inflight = createInflight()
  let draining = false
  const isDraining = () => draining
  const requester = createNatsRequester(d.nc)
  const messageLog = config.CSMS_GATEWAY_MESSAGE_LOG
    ? createMessageLog(d.nc, d.gatewayId, d.logger)
    : undefined
  const buffering = new Set<FrameSink>()
  const ctx: SessionContext = {
    nc: d.nc,
    gatewayId: d.gatewayId,
    logger: d.logger,
    metrics: d.metrics,
    inflight,
    batch: createWriteBatch(),
    requester,
    wire: createWireWriter(d.nc),
    callTimeoutMs: config.CSMS_GATEWAY_CALL_TIMEOUT_MS,
    natsTimeoutMs: config.CSMS_GATEWAY_NATS_TIMEOUT_MS,
    maxQueuedCalls: config.CSMS_GATEWAY_MAX_QUEUED_CALLS,
    maxQueuedInbound: config.CSMS_GATEWAY_MAX_QUEUED_INBOUND,
    log: messageLog,
    buffering,
  }

  app.ws<StationData>('/*', {
    compression: uWS.DISABLED,
    maxPayloadLength: config.CSMS_GATEWAY_MAX_FRAME_BYTES,
    idleTimeout: config.CSMS_GATEWAY_IDLE_TIMEOUT_S,
    sendPingsAutomatically: true,
    maxBackpressure: config.CSMS_GATEWAY_MAX_BACKPRESSURE_BYTES,
    closeOnBackpressureLimit: 1,
    upgrade: createUpgradeHandler({
      tlsHere,
      trustedProxies: new Set(config.CSMS_GATEWAY_TRUSTED_PROXIES),
      organization: config.CSMS_GATEWAY_CERT_ORGANIZATION,
      maxConnections: config.CSMS_GATEWAY_MAX_CONNECTIONS,
      openSockets: () => registry.size,
      isDraining,
      admission: d.admission,
      stationLimiter: d.stationLimiter,
      addressLimiter: d.addressLimiter,
      metrics: d.metrics,
      logger: d.logger,
    }),
    ...createSocketHandlers({
      nc: d.nc,
      gatewayId: d.gatewayId,
      logger: d.logger,
      metrics: d.metrics,
      ctx,
      registry,
      events,
      isDraining,
    }),
  })
  app.any('/*', (res) => {
    refuse(res, 426, 'OCPP-J over WebSocket only: ws(s)://host/ocpp/{stationId}', { upgrade: 'websocket' })
  })

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
    app.listen(config.CSMS_GATEWAY_HOST, config.CSMS_GATEWAY_PORT, (token) =>
      token
        ? resolve(token)
        : reject(
            new Error(`gateway cannot listen on ${config.CSMS_GATEWAY_HOST}:${config.CSMS_GATEWAY_PORT}`),
          ),
    ),
  )
  const port = uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket)

  const sampler = startSendBufferSampler(buffering, d.metrics, config.CSMS_GATEWAY_HEARTBEAT_MS)
  let drained: Promise<void> | undefined
  const drain = async (timeoutMs: number) => {
    draining = true
    uWS.us_listen_socket_close(listenSocket)
    sampler.stop()
    await drainSockets({ registry, inflight, events, messageLog, logger: d.logger }, timeoutMs)
    registry.close()
    requester.close()
    facts.close()
  }

  return {
    port,
    connections: () => registry.size,
    isDraining,
    drain(timeoutMs) {
      drained ??= drain(timeoutMs)
      return drained
    },
  }
}
