import { createServiceRuntime, ownerOf, type ServiceRuntime, serveCommands } from '@csms/bus'
import type { V2gConfig } from './config.js'

/**
 * The v2g service. This first cut relays the CSMS-initiated actions it owns
 * (ARCHITECTURE.md) from the operator API to the station; its own domain logic and tables
 * arrive with its issue.
 */
export async function startV2g(config: V2gConfig): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    name: 'v2g',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  serveCommands({
    nc: runtime.nc,
    service: 'v2g',
    owns: (_version, action) => ownerOf(action) === 'v2g',
    logger: runtime.logger,
  })
  return runtime
}
