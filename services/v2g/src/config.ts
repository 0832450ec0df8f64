import { loadConfig } from '@csms/config'
import { z } from 'zod'

export const V2gConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9105),
})
export type V2gConfig = z.infer<typeof V2gConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): V2gConfig {
  return loadConfig(V2gConfigSchema, env)
}
