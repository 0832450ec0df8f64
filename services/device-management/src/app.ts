import {
  createFactPublisher,
  createServiceRuntime,
  ownerOf,
  runOcppHandlers,
  type ServiceRuntime,
  serveCommands,
} from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import { createCampaignService } from './campaigns/campaign-service.js'
import { createCommandRecorder } from './commands/record-commands.js'
import { createStationCaller } from './commands/station-caller.js'
import type { DeviceManagementConfig } from './config.js'
import { consumeConnectionEvents } from './consumers/connection-events.js'
import { watchGatewayLiveness } from './consumers/gateway-liveness.js'
import { systemClock } from './handlers/clock.js'
import { deviceManagementHandlers } from './handlers/index.js'
import { createJobStarter } from './jobs/job-starter.js'
import { createJobTracker } from './jobs/job-tracker.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { createCampaignRepo } from './repo/campaign-repo.js'
import { createCampaignTargetRepo } from './repo/campaign-target-repo.js'
import { createDeviceModelRepo } from './repo/device-model-repo.js'
import { createDisplayMessageRepo } from './repo/display-message-repo.js'
import { createJobRepo } from './repo/job-repo.js'
import { createMonitoringRepo } from './repo/monitoring-repo.js'
import { createStationRepo } from './repo/station-repo.js'
import { createStationWrites } from './repo/station-writes.js'
import type { DeviceManagementDb } from './repo/tables.js'
import { serveCampaignRpc } from './rpc/campaign-rpc.js'
import { serveDeviceModelRpc } from './rpc/device-model-rpc.js'
import { serveJobRpc } from './rpc/job-rpc.js'
import { serveStationRpc } from './rpc/station-rpc.js'

/** How long a fact may wait for JetStream's ack before the work that published it fails. */
const FACT_TIMEOUT_MS = 10_000

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
    schema: SCHEMA,
    onPoolError: (error) => logger.warn({ err: error }, 'idle database connection lost'),
  })
  runtime.onShutdown(() => root.destroy())
  await migrateToLatest(root, { schema: SCHEMA, migrations })
  const db = root.withSchema(SCHEMA)
  runtime.addReadinessCheck(() => pingDb(root))

  const clock = systemClock
  const facts = createFactPublisher(nc, { timeoutMs: FACT_TIMEOUT_MS })
  runtime.onShutdown(() => facts.close())
  const publish = facts.publish
  const stations = createStationRepo(db)
  const writes = createStationWrites(db)
  // Group commit for the per-connection writes: at most 2 of the pool's connections, so a storm
  // leaves the rest to everything else; work the gateway gave up on is not written.
  const commit = {
    maxBatch: config.CSMS_WRITE_BATCH_MAX,
    maxConcurrent: config.CSMS_WRITE_CONCURRENCY,
    maxWaitMs: config.CSMS_CALL_MAX_WAIT_MS,
  }
  const model = createDeviceModelRepo(db)
  const monitoring = createMonitoringRepo(db)
  const displays = createDisplayMessageRepo(db)
  const jobRepo = createJobRepo(db)
  const jobs = createJobTracker({ repo: jobRepo, publish, logger, clock })
  const record = createCommandRecorder({ model, monitoring, displays, jobs, clock, logger })
  const caller = createStationCaller({
    nc,
    stations,
    defaultTimeoutMs: config.CSMS_STATION_CALL_TIMEOUT_MS,
    record,
  })
  const starter = createJobStarter({ caller, jobs, clock })
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
    handlers: deviceManagementHandlers({
      nc,
      stations,
      writes,
      commit,
      model,
      monitoring,
      displays,
      jobs,
      publish,
      policy,
      clock,
      logger,
      dataTransferTimeoutMs: config.CSMS_DATA_TRANSFER_TIMEOUT_MS,
    }),
  })
  serveCommands({
    nc,
    service: 'device-management',
    owns: (_v, action) => ownerOf(action) === 'device-management',
    record,
    logger,
  })
  const campaignRepo = createCampaignRepo(db)
  const targets = createCampaignTargetRepo(db)
  const campaigns = createCampaignService({
    repo: campaignRepo,
    targets,
    stations,
    starter,
    caller,
    publish,
    logger,
    tickMs: config.CSMS_CAMPAIGN_TICK_MS,
    clock,
  })
  jobs.onFinished((job) => campaigns.jobFinished(job))
  serveStationRpc({ nc, repo: stations, caller, policy, publish, logger })
  serveDeviceModelRpc({ nc, model, monitoring, displays, jobRepo, starter, logger })
  serveJobRpc({ nc, starter, repo: jobRepo, logger })
  serveCampaignRpc({ nc, campaigns, repo: campaignRepo, targets, logger })

  const connections = await consumeConnectionEvents({ js, jsm, writes, logger })
  // NATS is drained before the shutdown hooks run: a consumer caught mid-pull rejects its stop
  // with "closed connection", which must not keep the pool below from closing.
  runtime.onShutdown(() =>
    connections.stop().catch((error) => logger.warn({ err: error }, 'connection consumer stop')),
  )
  const liveness = watchGatewayLiveness({
    nc,
    repo: stations,
    logger,
    defaultTtlMs: config.CSMS_GATEWAY_TTL_MS,
    listGatewaysWithStations: () => stations.listGatewaysWithStations(),
  })
  runtime.onShutdown(() => liveness.stop())
  campaigns.start()
  runtime.onShutdown(() => campaigns.stop())
  return runtime
}
