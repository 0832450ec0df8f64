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
  /**
   * A gateway pod whose beacon is overdue has its stations marked offline. The beacon carries
   * its own TTL (3 × CSMS_GATEWAY_HEARTBEAT_MS); this one applies to pods not heard since this
   * process started, and a sweep runs every quarter of it: stations of a pod killed without
   * goodbye show offline within the beacon's TTL plus one sweep (15 s + 3.75 s by default).
   */
  CSMS_GATEWAY_TTL_MS: z.coerce.number().int().min(500).default(15_000),
  /**
   * A station CALL (BootNotification, StatusNotification, Heartbeat) that waited longer than
   * this inside the service is dropped unanswered: the gateway (CSMS_GATEWAY_NATS_TIMEOUT_MS,
   * 10 s) has given up on it or is about to. Keep it below the gateway's timeout.
   */
  CSMS_CALL_MAX_WAIT_MS: z.coerce.number().int().min(100).max(300_000).default(8_000),
  /** Most stations in one grouped write (boots, statuses, heartbeats, connection facts). */
  CSMS_WRITE_BATCH_MAX: z.coerce.number().int().min(1).max(5_000).default(500),
  /** Grouped writes of one kind running at once (each holds one pool connection). */
  CSMS_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
  CSMS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How often each replica looks for campaign work (a station finishing also triggers a look). */
  CSMS_CAMPAIGN_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** How long calls device-management starts itself (jobs, campaigns, boot triggers) wait. */
  CSMS_STATION_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /** How long a vendor's DataTransfer handler may take before the station gets a CALLERROR. */
  CSMS_DATA_TRANSFER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
})
export type DeviceManagementConfig = z.infer<typeof DeviceManagementConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): DeviceManagementConfig {
  return loadConfig(DeviceManagementConfigSchema, env)
}
