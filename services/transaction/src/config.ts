import { loadConfig } from '@csms/config'
import { z } from 'zod'
import { OFFLINE_AUTH_POLICIES } from './auth/id-token-authorizer.js'

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

export const TransactionConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://csms:csms@127.0.0.1:5432/csms'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: int(0, 65_535, 9103),
  CSMS_DB_POOL_SIZE: int(2, 200, 10),
  /** At most this many station messages per database transaction. */
  CSMS_TX_BATCH_MAX: int(1, 5_000, 500),
  /**
   * Database transactions writing station messages at once, in this replica. Two let the
   * database write one batch while the service prepares the next; with several replicas, 1 each
   * (BENCHMARKS.md, round 7: four at once cost more per message than two).
   */
  CSMS_TX_BATCH_CONCURRENCY: int(1, 16, 2),
  /** idTokenInfo when no auth service answers: `invalid` (default) or `accept`. */
  CSMS_TX_OFFLINE_AUTH: z.enum(OFFLINE_AUTH_POLICIES).default('invalid'),
  CSMS_TX_AUTH_TIMEOUT_MS: int(100, 30_000, 3_000),
  /** How long a remote start waits for smart charging to check its chargingProfile (K05). */
  CSMS_TX_PROFILE_CHECK_TIMEOUT_MS: int(100, 30_000, 3_000),
  /** Running cost sent to the station (CostUpdated) at most this often per session; 0: never. */
  CSMS_TX_COST_UPDATE_INTERVAL_S: int(0, 86_400, 60),
  CSMS_TX_TARIFF_CACHE_MS: int(0, 3_600_000, 30_000),
  /** How often reservations past their expiry are marked expired. */
  CSMS_TX_RESERVATION_SWEEP_MS: int(100, 3_600_000, 5_000),
  /** Daily meter-value partitions kept ready behind and ahead of today. */
  CSMS_TX_PARTITION_PAST_DAYS: int(0, 365, 2),
  CSMS_TX_PARTITION_AHEAD_DAYS: int(1, 365, 7),
  /** Meter-value partitions older than this many days are dropped; 0 keeps them all. */
  CSMS_TX_METER_RETENTION_DAYS: int(0, 36_500, 0),
})
export type TransactionConfig = z.infer<typeof TransactionConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): TransactionConfig {
  return loadConfig(TransactionConfigSchema, env)
}
