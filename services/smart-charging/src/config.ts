import { loadConfig } from '@csms/config'
import { z } from 'zod'

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback)

export const SmartChargingConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://csms:csms@127.0.0.1:5432/csms'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9104),
  CSMS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Known limit drops are applied this long before they start: profiles need time to land. */
  CSMS_SC_LEAD_MS: ms(30_000),
  /** EV deadlines are aimed this long before the departure time. */
  CSMS_SC_DEADLINE_MARGIN_MS: ms(600_000),
  /** A raise smaller than this (W) is not worth a message; a decrease always goes out. */
  CSMS_SC_MIN_RAISE_W: z.coerce.number().min(0).default(500),
  /** A station that did not take a profile is held at its old limit this long, then retried. */
  CSMS_SC_RETRY_MS: ms(30_000),
  /** SetChargingProfile calls in flight at once per site. */
  CSMS_SC_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(500),
  /** How long a station may take to answer a profile. */
  CSMS_SC_PROFILE_TIMEOUT_MS: ms(10_000),
  /** Every site is recomputed at least this often (deadlines progress, EVs finish). */
  CSMS_SC_RECOMPUTE_INTERVAL_MS: ms(60_000),
  /** Stack level of the balancer's TxProfiles and TxDefaultProfiles. */
  CSMS_SC_STACK_LEVEL: z.coerce.number().int().min(0).max(100).default(1),
  /** Profile ids from here (TxProfile: + evseId, TxDefaultProfile: + 100000) are the balancer's. */
  CSMS_SC_PROFILE_ID_BASE: z.coerce.number().int().min(1).max(2_147_000_000).default(2_100_000_000),
  /** How long a station's site (from device management) is cached. */
  CSMS_SC_STATION_CACHE_MS: ms(60_000),
  /** A station that connects gets its TxDefaultProfile after this delay (its boot comes first). */
  CSMS_SC_TX_DEFAULT_DELAY_MS: ms(1_000),
  /** Leadership lease of the balancer among replicas. */
  CSMS_SC_LEASE_TTL_MS: z.coerce.number().int().min(1_000).default(15_000),
  /** A reported composite schedule may differ from the computed one by this much (A; W: × 230 × 3). */
  CSMS_SC_COMPOSITE_TOLERANCE_A: z.coerce.number().min(0).default(0.5),
})
export type SmartChargingConfig = z.infer<typeof SmartChargingConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): SmartChargingConfig {
  return loadConfig(SmartChargingConfigSchema, env)
}
