import { loadConfig } from '@csms/config'
import { z } from 'zod'

export const ApiConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://csms:csms@127.0.0.1:5432/csms'),
  CSMS_API_HOST: z.string().default('0.0.0.0'),
  CSMS_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CSMS_OPS_HOST: z.string().default('127.0.0.1'),
  /** Metrics for the API pod; /healthz and /readyz are also served on the API port. */
  CSMS_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9106),
  /** The first admin token; operators must set it (at least 24 characters). */
  CSMS_API_TOKEN: z.string().min(24, 'CSMS_API_TOKEN must be at least 24 characters'),
  CSMS_API_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** How long a command waits for the station's answer before 504. */
  CSMS_API_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /** Services whose readiness /readyz requires (comma-separated). */
  CSMS_API_REQUIRED_SERVICES: z
    .string()
    .default('gateway,auth,device-management,transaction,smart-charging,v2g'),
})
export type ApiConfig = z.infer<typeof ApiConfigSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadConfig(ApiConfigSchema, env)
}
