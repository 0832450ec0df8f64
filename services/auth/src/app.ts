import { createServiceRuntime, ownerOf, type ServiceRuntime, serveCommands } from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import type { AuthConfig } from './config.js'
import { createVerifiedCache } from './domain/verified-cache.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { createCredentialsRepo } from './repo/credentials-repo.js'
import type { AuthDb } from './repo/tables.js'
import { serveCredentialsRpc } from './rpc/credentials-rpc.js'

export async function startAuth(config: AuthConfig): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    name: 'auth',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  const root = createDb<AuthDb>({
    url: config.DATABASE_URL,
    poolSize: config.CSMS_DB_POOL_SIZE,
    applicationName: 'csms-auth',
  })
  await migrateToLatest(root, { schema: SCHEMA, migrations })
  runtime.addReadinessCheck(() => pingDb(root))
  runtime.onShutdown(() => root.destroy())
  serveCredentialsRpc({
    nc: runtime.nc,
    repo: createCredentialsRepo(root.withSchema(SCHEMA)),
    cache: createVerifiedCache(config.CSMS_VERIFIED_CACHE_TTL_MS),
    allowUnknownStations: config.CSMS_ALLOW_UNKNOWN_STATIONS,
    logger: runtime.logger,
  })
  serveCommands({
    nc: runtime.nc,
    service: 'auth',
    owns: (_v, action) => ownerOf(action) === 'auth',
    logger: runtime.logger,
  })
  return runtime
}
