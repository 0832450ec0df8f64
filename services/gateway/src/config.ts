import { csv, loadConfig } from '@csms/config'
import { z } from 'zod'

const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def)
const flag = (def: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(def)
    .transform((v) => v === 'true' || v === '1')

export const GatewayConfigSchema = z
  .object({
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    CSMS_GATEWAY_HOST: z.string().default('0.0.0.0'),
    CSMS_GATEWAY_PORT: int(0, 65535, 9000),
    CSMS_OPS_HOST: z.string().default('0.0.0.0'),
    CSMS_OPS_PORT: int(0, 65535, 9100),
    /**
     * Unique per process start: device-management takes a pod whose id falls silent for dead. The
     * default (hostname, pid and a random part) stays unique when a container restarts in place
     * with the same hostname and pid 1.
     */
    CSMS_GATEWAY_ID: z.string().optional(),
    /** Upgrades beyond this many open sockets get 503, so the load balancer goes elsewhere. */
    CSMS_GATEWAY_MAX_CONNECTIONS: int(1, 10_000_000, 100_000),
    /** Largest accepted frame; a larger one closes the socket. */
    CSMS_GATEWAY_MAX_FRAME_BYTES: int(1024, 16 * 1024 * 1024, 256 * 1024),
    /** Bytes buffered for a slow station before its socket is closed. */
    CSMS_GATEWAY_MAX_BACKPRESSURE_BYTES: int(1024, 64 * 1024 * 1024, 1024 * 1024),
    /** Seconds without traffic (pongs included) before a peer counts as dead; a multiple of 4. */
    CSMS_GATEWAY_IDLE_TIMEOUT_S: int(8, 960, 120).refine((s) => s % 4 === 0, 'must be a multiple of 4'),
    /** Time a CSMS-initiated CALL waits for the station's answer. */
    CSMS_GATEWAY_CALL_TIMEOUT_MS: int(100, 600_000, 30_000),
    /** Time a station CALL waits for the owning service. */
    CSMS_GATEWAY_NATS_TIMEOUT_MS: int(100, 120_000, 10_000),
    /** CSMS-initiated CALLs queued per station behind the one in flight. */
    CSMS_GATEWAY_MAX_QUEUED_CALLS: int(0, 1000, 20),
    /** Station CALLs queued behind the one being answered (stations should send one at a time). */
    CSMS_GATEWAY_MAX_QUEUED_INBOUND: int(0, 1000, 10),
    /** On SIGTERM: how long in-flight CALLs may take before the sockets close with 1012. */
    CSMS_GATEWAY_DRAIN_TIMEOUT_MS: int(0, 600_000, 10_000),
    CSMS_GATEWAY_HEARTBEAT_MS: int(100, 60_000, 5_000),
    /** Accepted admission decisions are reused this long (reconnection storms). */
    CSMS_GATEWAY_AUTH_CACHE_MS: int(0, 3_600_000, 60_000),
    CSMS_GATEWAY_AUTH_TIMEOUT_MS: int(100, 60_000, 5_000),
    /** Distinct admissions waiting for the auth service at once; beyond it upgrades get 503. */
    CSMS_GATEWAY_ADMISSION_MAX_IN_FLIGHT: int(1, 1_000_000, 4_000),
    /** Failed attempts per station id within a minute before further upgrades get 429. */
    CSMS_GATEWAY_MAX_FAILED_AUTH_PER_MIN: int(1, 10_000, 10),
    /** The same per remote address; higher, since many stations may share one NAT address. */
    CSMS_GATEWAY_MAX_FAILED_AUTH_PER_ADDRESS_PER_MIN: int(1, 100_000, 100),
    /** Publish every frame in and out to the JetStream stream OCPP_MESSAGES. */
    CSMS_GATEWAY_MESSAGE_LOG: flag('true'),
    /** TLS terminated here (security profile 2): both set, or neither. */
    CSMS_GATEWAY_TLS_CERT_FILE: z.string().optional(),
    CSMS_GATEWAY_TLS_KEY_FILE: z.string().optional(),
    /** Addresses of TLS-terminating proxies whose forwarded headers are trusted (comma-separated). */
    CSMS_GATEWAY_TRUSTED_PROXIES: csv().default([]),
    /** The operator's O= in station certificates; profile 3 is refused while it is unset. */
    CSMS_GATEWAY_CERT_ORGANIZATION: z.string().optional(),
  })
  .refine(
    (c) => (c.CSMS_GATEWAY_TLS_CERT_FILE === undefined) === (c.CSMS_GATEWAY_TLS_KEY_FILE === undefined),
    {
      path: ['CSMS_GATEWAY_TLS_KEY_FILE'],
      message: 'set CSMS_GATEWAY_TLS_CERT_FILE and CSMS_GATEWAY_TLS_KEY_FILE together',
    },
  )
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env)
}
