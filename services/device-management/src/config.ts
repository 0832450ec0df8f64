import { loadConfig } from '@csms/config'
import { z } from 'zod'

export const DeviceManagementConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://csms:csms@127.0.0.1:5432/csms'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9102),
  /** Interval (s) told to stations in BootNotification.conf. */
  CSMS_HEARTBEAT_INTERVAL_S: z.coerce.number().int().min(10).max(86_400).default(300),
  /** BootNotification answer for a station nobody registered: Accepted, Pending or Rejected. */
  CSMS_BOOT_UNKNOWN_STATUS: z.enum(['Accepted', 'Pending', 'Rejected']).default('Accepted'),
  CSMS_BOOT_RETRY_INTERVAL_S: z.coerce.number().int().min(10).max(86_400).default(60),
  /** A gateway pod whose beacon is this late has its stations marked offline. */
  CSMS_GATEWAY_TTL_MS: z.coerce.number().int().min(500).default(15_000),
  CSMS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
})
export type DeviceManagementConfig = z.infer<typeof DeviceManagementConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): DeviceManagementConfig {
  return loadConfig(DeviceManagementConfigSchema, env)
}
