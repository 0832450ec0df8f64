import { createServiceRuntime, ownerOf, runOcppHandlers, type ServiceRuntime, serveCommands } from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import type { DeviceManagementConfig } from './config.js'
import { consumeConnectionEvents } from './consumers/connection-events.js'
import { watchGatewayLiveness } from './consumers/gateway-liveness.js'
import { createBootNotificationHandlers } from './handlers/boot-notification.js'
import { systemClock } from './handlers/clock.js'
import { createHeartbeatHandlers } from './handlers/heartbeat.js'
import { createStatusNotificationHandlers } from './handlers/status-notification.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { createStationRepo } from './repo/station-repo.js'
import type { DeviceManagementDb } from './repo/tables.js'
import { serveStationRpc } from './rpc/station-rpc.js'

/** Composition root: config → clients → handlers; `serve()` runs until SIGTERM. */
export async function startDeviceManagement(config: DeviceManagementConfig): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    name: 'device-management',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  const { nc, js, jsm, logger, metrics } = runtime
  const root = createDb<DeviceManagementDb>({
    url: config.DATABASE_URL,
    poolSize: config.CSMS_DB_POOL_SIZE,
    applicationName: 'csms-device-management',
  })
  await migrateToLatest(root, { schema: SCHEMA, migrations })
  const db = root.withSchema(SCHEMA)
  runtime.addReadinessCheck(() => pingDb(root))
  runtime.onShutdown(() => root.destroy())

  const repo = createStationRepo(db)
  const clock = systemClock
  const policy = {
    unknownStationStatus: config.CSMS_BOOT_UNKNOWN_STATUS,
    heartbeatIntervalS: config.CSMS_HEARTBEAT_INTERVAL_S,
    retryIntervalS: config.CSMS_BOOT_RETRY_INTERVAL_S,
  }
  runOcppHandlers({
    nc,
    queue: 'device-management',
    logger,
    metrics,
    handlers: [
      ...createBootNotificationHandlers({ repo, policy, clock, logger }),
      ...createHeartbeatHandlers({ repo, clock }),
      ...createStatusNotificationHandlers({ repo, clock }),
    ],
  })
  serveStationRpc({ nc, repo, logger })
  serveCommands({
    nc,
    service: 'device-management',
    owns: (_v, action) => ownerOf(action) === 'device-management',
    logger,
  })
  const connections = await consumeConnectionEvents({ js, jsm, repo, logger })
  runtime.onShutdown(() => connections.stop())
  const liveness = watchGatewayLiveness({
    nc,
    repo,
    logger,
    defaultTtlMs: config.CSMS_GATEWAY_TTL_MS,
    listGatewaysWithStations: () => repo.listGatewaysWithStations(),
  })
  runtime.onShutdown(() => liveness.stop())
  return runtime
}
