import { createServiceRuntime, ownerOf, type ServiceRuntime, serveCommands } from '@csms/bus'
import type { SmartChargingConfig } from './config.js'

/**
 * The smart-charging service. This first cut relays the CSMS-initiated actions it owns
 * (ARCHITECTURE.md) from the operator API to the station; its own domain logic and tables
 * arrive with its issue.
 */
export async function startSmartCharging(config: SmartChargingConfig): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    name: 'smart-charging',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  serveCommands({
    nc: runtime.nc,
    service: 'smart-charging',
    owns: (_version, action) => ownerOf(action) === 'smart-charging',
    logger: runtime.logger,
  })
  return runtime
}
