import { loadConfig } from '@csms/config'
import { z } from 'zod'

export const SmartChargingConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9104),
})
export type SmartChargingConfig = z.infer<typeof SmartChargingConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): SmartChargingConfig {
  return loadConfig(SmartChargingConfigSchema, env)
}
