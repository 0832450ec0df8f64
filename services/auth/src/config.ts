import { loadConfig } from '@csms/config'
import { z } from 'zod'

export const AuthConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://csms:csms@127.0.0.1:5432/csms'),
  CSMS_OPS_HOST: z.string().default('0.0.0.0'),
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
  /** Whether a station nobody registered may connect. Off in production; `./dev up` turns it on. */
  CSMS_ALLOW_UNKNOWN_STATIONS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  CSMS_VERIFIED_CACHE_TTL_MS: z.coerce.number().int().min(0).default(300_000),
  CSMS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
})
export type AuthConfig = z.infer<typeof AuthConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(AuthConfigSchema, env)
}
