import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import {
  createServiceRuntime,
  GATEWAY_HEARTBEAT_SUBJECT,
  type GatewayHeartbeat,
  type ServiceRuntime,
} from '@csms/bus'
import type { GatewayConfig } from './config.js'
import { createGatewayMetrics } from './gateway-metrics.js'
import { type GatewayServer, startGatewayServer } from './server/gateway-server.js'
import { createAdmission } from './upgrade/admission.js'
import { followCredentialNotices } from './upgrade/credential-notices.js'
import { createFailureLimiter } from './upgrade/failure-limiter.js'

export type Gateway = { runtime: ServiceRuntime; server: GatewayServer; gatewayId: string }

/** Composition root of a gateway pod: NATS, the WebSocket server, its beacon and its drain. */
export async function startGateway(config: GatewayConfig): Promise<Gateway> {
  const runtime = await createServiceRuntime({
    name: 'gateway',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  const gatewayId = config.CSMS_GATEWAY_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  const admission = createAdmission(
    runtime.nc,
    config.CSMS_GATEWAY_AUTH_CACHE_MS,
    config.CSMS_GATEWAY_AUTH_TIMEOUT_MS,
    { maxInFlight: config.CSMS_GATEWAY_ADMISSION_MAX_IN_FLIGHT },
  )
  // Heard before the first upgrade: a rotated password or a deleted station loses its cached
  // admission on every pod at once (and the whole cache goes when NATS reconnects).
  const stopNotices = followCredentialNotices(runtime.nc, admission, runtime.logger)
  await runtime.nc.flush()
  const server = await startGatewayServer({
    config,
    gatewayId,
    nc: runtime.nc,
    logger: runtime.logger,
    metrics: createGatewayMetrics(runtime.metrics),
    admission,
    stationLimiter: createFailureLimiter(config.CSMS_GATEWAY_MAX_FAILED_AUTH_PER_MIN),
    addressLimiter: createFailureLimiter(config.CSMS_GATEWAY_MAX_FAILED_AUTH_PER_ADDRESS_PER_MIN),
  })
  // The beacon tells device-management this pod is alive; three missed beats mean it is not.
  const ttlMs = config.CSMS_GATEWAY_HEARTBEAT_MS * 3
  const beat = () => {
    const heartbeat: GatewayHeartbeat = {
      gatewayId,
      at: new Date().toISOString(),
      connections: server.connections(),
      ttlMs,
    }
    runtime.nc.publish(GATEWAY_HEARTBEAT_SUBJECT, JSON.stringify(heartbeat))
  }
  beat()
  const beacon = setInterval(beat, config.CSMS_GATEWAY_HEARTBEAT_MS)
  runtime.addReadinessCheck(() => !server.isDraining())
  // Drain before NATS closes: station CALLs in flight still need their answers.
  const stop = runtime.stop.bind(runtime)
  runtime.stop = async () => {
    await server.drain(config.CSMS_GATEWAY_DRAIN_TIMEOUT_MS)
    clearInterval(beacon)
    stopNotices()
    await stop()
  }
  runtime.logger.info({ gatewayId, port: server.port }, 'gateway listening')
  return { runtime, server, gatewayId }
}
