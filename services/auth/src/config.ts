import { availableParallelism } from 'node:os'
import { loadConfig } from '@csms/config'
import { z } from 'zod'

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback)
    .transform((v) => v === 'true' || v === '1')
const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback)

export const AuthConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://csms:csms@127.0.0.1:5432/csms'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
  /** Whether a station nobody registered may connect. Off in production; `./dev up` turns it on. */
  CSMS_ALLOW_UNKNOWN_STATIONS: flag('false'),
  CSMS_VERIFIED_CACHE_TTL_MS: ms(300_000),
  /**
   * Station password checks (scrypt) running at once. Default: the core count, at most the
   * libuv threadpool size (UV_THREADPOOL_SIZE, 4 unless set in the environment) minus 2, so DNS
   * and file work keep threads. More cores: raise UV_THREADPOOL_SIZE in the pod's environment.
   */
  CSMS_AUTH_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** Station ids per admission lookup (`where station_id = any($1)`). */
  CSMS_AUTH_ADMISSION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Admission lookups running at once; more admissions wait and leave in the next batch. */
  CSMS_AUTH_ADMISSION_QUERIES: z.coerce.number().int().min(1).max(50).default(2),
  /**
   * An admission that waited this long inside auth (for its lookup or a password check) is
   * answered `timeout` without the work: keep it below the gateway's CSMS_GATEWAY_AUTH_TIMEOUT_MS.
   */
  CSMS_AUTH_ADMISSION_MAX_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(4_000),
  CSMS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  // ID tokens
  /** Lifetime of an answer in a station's authorization cache (cacheExpiryDateTime); 0: unbounded. */
  CSMS_AUTH_CACHE_TTL_S: z.coerce.number().int().min(0).default(86_400),
  /** Default for stations without their own policy: accept tokens nobody stored (free vend). */
  CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS: flag('false'),
  /** Accept `NoAuthorization` tokens (start buttons, C02). */
  CSMS_AUTH_ACCEPT_NO_AUTHORIZATION: flag('true'),

  // Calls to stations and local lists
  CSMS_AUTH_STATION_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /** Wait after a station connects before reconciling its local list (lets it boot first). */
  CSMS_AUTH_RECONCILE_DELAY_MS: ms(5_000),
  /** Connection facts older than this (a new consumer replaying the stream) trigger nothing. */
  CSMS_AUTH_RECONCILE_MAX_EVENT_AGE_MS: ms(600_000),
  CSMS_AUTH_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  /** Entries per SendLocalList (the stations' LocalAuthListCtrlr.ItemsPerMessage). */
  CSMS_AUTH_LOCAL_LIST_ITEMS_PER_MESSAGE: z.coerce.number().int().min(1).max(100_000).default(100),

  // CSMS certificate authority: PEM in the variable (a secret) or in a mounted file.
  CSMS_AUTH_CA_CERT_PEM: z.string().optional(),
  CSMS_AUTH_CA_CERT_FILE: z.string().optional(),
  CSMS_AUTH_CA_KEY_PEM: z.string().optional(),
  CSMS_AUTH_CA_KEY_FILE: z.string().optional(),
  CSMS_AUTH_CERT_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3_650).default(365),
  /** The operator's name: required as O in charging station CSRs when set. */
  CSMS_AUTH_CERT_ORGANIZATION: z.string().optional(),

  // Plug & Charge
  /** Trusted roots (MO / V2G) for contract certificates, PEM bundle in the variable or a file. */
  CSMS_AUTH_V2G_TRUST_ANCHORS_PEM: z.string().optional(),
  CSMS_AUTH_V2G_TRUST_ANCHORS_FILE: z.string().optional(),
  CSMS_AUTH_CONTRACT_PROVIDER_URL: z.url({ protocol: /^https?$/ }).optional(),
  CSMS_AUTH_CONTRACT_PROVIDER_TOKEN: z.string().optional(),
  CSMS_AUTH_CONTRACT_PROVIDER_TIMEOUT_MS: ms(10_000),
  CSMS_AUTH_OCSP_TIMEOUT_MS: ms(5_000),
  CSMS_AUTH_OCSP_CACHE_MAX_S: z.coerce.number().int().min(0).default(3_600),
  /** Treat an unreachable or untrusted OCSP answer as "not revoked" (logged) instead of failing. */
  CSMS_AUTH_OCSP_SOFT_FAIL: flag('false'),
  /** When set, OCSP responders must be on these hosts (comma-separated; subdomains included). */
  CSMS_AUTH_OCSP_ALLOWED_HOSTS: z.string().optional(),
  /** Tests and local development only: station-supplied URLs may reach private addresses. */
  CSMS_AUTH_ALLOW_PRIVATE_URLS: flag('false'),
})
export type AuthConfig = z.infer<typeof AuthConfigSchema>

/** See CSMS_AUTH_HASH_CONCURRENCY. */
export function hashConcurrency(config: AuthConfig, env: NodeJS.ProcessEnv = process.env): number {
  if (config.CSMS_AUTH_HASH_CONCURRENCY !== undefined) return config.CSMS_AUTH_HASH_CONCURRENCY
  const pool = Number(env.UV_THREADPOOL_SIZE) || 4
  return Math.max(1, Math.min(availableParallelism(), pool - 2))
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(AuthConfigSchema, env)
}
