import {
  callRpc,
  createFactPublisher,
  createServiceRuntime,
  getStationRpc,
  ownerOf,
  runOcppHandlers,
  type ServiceRuntime,
  serveCommands,
} from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import type { Logger } from '@csms/telemetry'
import { createIdTokenAuthorizer } from './auth/id-token-authorizer.js'
import { createCommandRecorder } from './commands/record-commands.js'
import { createStartProfileCheck, REMOTE_START_ACTIONS } from './commands/start-profile-check.js'
import type { TransactionConfig } from './config.js'
import { createTariffResolver } from './domain/tariff-resolver.js'
import { transactionHandlers } from './handlers/index.js'
import type { SessionDeps } from './handlers/session-deps.js'
import { startPartitionMaintenance } from './jobs/partition-maintenance.js'
import { sweepExpiredReservations } from './jobs/reservation-expiry.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { createEventWriter, type EventWriter } from './repo/event-writer.js'
import type { TransactionDb } from './repo/tables.js'
import { createTransactionRepo } from './repo/transaction-repo.js'
import { serveTransactionRpc } from './rpc/transaction-rpc.js'
import { createCostUpdates } from './sessions/cost-updates.js'
import { createSessionService } from './sessions/session-service.js'

/** Composition root: config → clients → handlers; `serve()` runs until SIGTERM. */
export async function startTransaction(config: TransactionConfig): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    name: 'transaction',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  const { nc, logger, metrics } = runtime
  const db = createDb<TransactionDb>({
    url: config.DATABASE_URL,
    poolSize: config.CSMS_DB_POOL_SIZE,
    applicationName: 'csms-transaction',
    schema: SCHEMA,
    onPoolError: (error) => logger.warn({ err: error }, 'idle database connection lost'),
  })
  runtime.onShutdown(() => db.destroy())
  await migrateToLatest(db, { schema: SCHEMA, migrations })
  runtime.addReadinessCheck(() => pingDb(db))
  const partitions = await startPartitionMaintenance({
    db,
    logger,
    policy: {
      pastDays: config.CSMS_TX_PARTITION_PAST_DAYS,
      aheadDays: config.CSMS_TX_PARTITION_AHEAD_DAYS,
      retentionDays: config.CSMS_TX_METER_RETENTION_DAYS,
    },
  })
  runtime.onShutdown(() => partitions.stop())

  const repo = createTransactionRepo(db)
  const writer = createEventWriter(db, {
    maxBatch: config.CSMS_TX_BATCH_MAX,
    concurrency: config.CSMS_TX_BATCH_CONCURRENCY,
  })
  // Runs before the pool closes: every message already accepted is written.
  runtime.onShutdown(() => writer.close())
  const stats = logWriterStats(writer, logger)
  runtime.onShutdown(() => clearInterval(stats))
  const tariffs = createTariffResolver({
    listTariffs: () => repo.listTariffs(),
    siteOf: async (stationId) =>
      (await callRpc(nc, getStationRpc, { stationId }, { timeoutMs: 2_000 })).station?.siteId ?? null,
    ttlMs: config.CSMS_TX_TARIFF_CACHE_MS,
  })
  const facts = createFactPublisher(nc, { timeoutMs: 10_000 })
  runtime.onShutdown(() => facts.close())
  const publish = facts.publish
  const deps: SessionDeps = {
    authorizer: createIdTokenAuthorizer({
      nc,
      policy: config.CSMS_TX_OFFLINE_AUTH,
      timeoutMs: config.CSMS_TX_AUTH_TIMEOUT_MS,
      logger,
    }),
    sessions: createSessionService({ writer, tariffs, publish, logger }),
    costUpdates: createCostUpdates({ nc, intervalS: config.CSMS_TX_COST_UPDATE_INTERVAL_S, logger }),
    writer,
    repo,
    publish,
    logger,
  }
  runOcppHandlers({
    nc,
    queue: 'transaction',
    logger,
    metrics,
    handlers: transactionHandlers(deps),
  })
  const checkStartProfile = createStartProfileCheck({
    nc,
    timeoutMs: config.CSMS_TX_PROFILE_CHECK_TIMEOUT_MS,
  })
  serveTransactionRpc({ nc, repo, tariffs, checkStartProfile, logger })
  serveCommands({
    nc,
    service: 'transaction',
    owns: (_version, action) => ownerOf(action) === 'transaction',
    // K05: a remote start's chargingProfile is checked by smart charging before it is sent.
    beforeSend: async (req, payload) => {
      if (REMOTE_START_ACTIONS.has(req.action)) await checkStartProfile(req.stationId, req.version, payload)
    },
    record: createCommandRecorder({ repo, publish, logger }),
    logger,
  })
  const reservations = sweepExpiredReservations({
    repo,
    publish,
    logger,
    intervalMs: config.CSMS_TX_RESERVATION_SWEEP_MS,
  })
  runtime.onShutdown(() => reservations.stop())
  return runtime
}

/** Every 10 s with traffic: how many messages were written in how many database transactions. */
function logWriterStats(writer: EventWriter, logger: Logger): NodeJS.Timeout {
  let last = writer.stats()
  const timer = setInterval(() => {
    const now = writer.stats()
    const jobs = now.jobs - last.jobs
    const flushes = now.flushes - last.flushes
    if (jobs > 0) {
      logger.info(
        { jobs, flushes, meanBatch: Math.round(jobs / flushes), largestBatch: now.largest },
        'writer stats',
      )
    }
    last = now
  }, 10_000)
  timer.unref()
  return timer
}
