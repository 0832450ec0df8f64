import { type SmartChargingService, startSmartCharging } from '../../src/app.js'
import { SmartChargingConfigSchema } from '../../src/config.js'

/**
 * The smart-charging service in the test's process, on the test's NATS and PostgreSQL, serving
 * and holding the balancer's lease; `env` adds to (or overrides) the test defaults.
 */
export async function startService(
  natsUrl: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<SmartChargingService> {
  const service = await startSmartCharging(
    SmartChargingConfigSchema.parse({
      NATS_URL: natsUrl,
      DATABASE_URL: databaseUrl,
      CSMS_OPS_PORT: '0',
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_SC_RECOMPUTE_INTERVAL_MS: '0',
      ...env,
    }),
  )
  void service.serve()
  await service.leadership
  return service
}
