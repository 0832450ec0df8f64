import {
  AppError,
  type ConsumerHandle,
  createServiceRuntime,
  ownerOf,
  runOcppHandlers,
  type ServiceRuntime,
  serveCommands,
} from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import { createBalancer } from './balancer/balancer.js'
import { createLeaderLink } from './balancer/leader-link.js'
import { runLeadership } from './balancer/leadership.js'
import { createStationDirectory } from './balancer/station-directory.js'
import { createProfileOperations, violationsMessage } from './commands/profile-operations.js'
import type { SmartChargingConfig } from './config.js'
import { consumeStationFacts, consumeStationSiteFacts } from './consumers/station-facts.js'
import { consumeTransactionFacts } from './consumers/transaction-facts.js'
import { createClearedChargingLimitHandlers } from './handlers/cleared-charging-limit.js'
import { createNotifyChargingLimitHandlers } from './handlers/notify-charging-limit.js'
import { createNotifyEvChargingNeedsHandlers } from './handlers/notify-ev-charging-needs.js'
import { createNotifyEvChargingScheduleHandlers } from './handlers/notify-ev-charging-schedule.js'
import { createReportChargingProfilesHandlers } from './handlers/report-charging-profiles.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { createNodeRepo } from './repo/node-repo.js'
import { createProfileRepo } from './repo/profile-repo.js'
import { createSessionRepo } from './repo/session-repo.js'
import type { SmartChargingDb } from './repo/tables.js'
import { serveProfileRpc } from './rpc/profile-rpc.js'
import { serveSiteRpc } from './rpc/site-rpc.js'

export type SmartChargingService = ServiceRuntime & {
  /** Resolves once this replica knows whether it balances (tests wait for it). */
  leadership: Promise<void>
  isLeader(): boolean
  /** Waits until no recomputation runs (tests). */
  settled(): Promise<void>
}

/** Composition root: config → clients → handlers; `serve()` runs until SIGTERM. */
export async function startSmartCharging(config: SmartChargingConfig): Promise<SmartChargingService> {
  const runtime = await createServiceRuntime({
    name: 'smart-charging',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  const { nc, js, jsm, logger, metrics } = runtime
  const db = createDb<SmartChargingDb>({
    url: config.DATABASE_URL,
    poolSize: config.CSMS_DB_POOL_SIZE,
    applicationName: 'csms-smart-charging',
    schema: SCHEMA,
    onPoolError: (error) => logger.warn({ err: error }, 'idle database connection lost'),
  })
  runtime.onShutdown(() => db.destroy())
  await migrateToLatest(db, { schema: SCHEMA, migrations })
  runtime.addReadinessCheck(() => pingDb(db))

  const nodes = createNodeRepo(db)
  const sessions = createSessionRepo(db)
  const profiles = createProfileRepo(db)
  const directory = createStationDirectory({ nc, ttlMs: config.CSMS_SC_STATION_CACHE_MS, logger })
  const ids = { base: config.CSMS_SC_PROFILE_ID_BASE, stackLevel: config.CSMS_SC_STACK_LEVEL }
  const balancer = createBalancer({
    nc,
    js,
    nodes,
    sessions,
    profiles,
    directory,
    logger,
    ids,
    options: {
      leadMs: config.CSMS_SC_LEAD_MS,
      deadlineMarginMs: config.CSMS_SC_DEADLINE_MARGIN_MS,
      minRaiseW: config.CSMS_SC_MIN_RAISE_W,
      retryMs: config.CSMS_SC_RETRY_MS,
      concurrency: config.CSMS_SC_CONCURRENCY,
      profileTimeoutMs: config.CSMS_SC_PROFILE_TIMEOUT_MS,
      recomputeIntervalMs: config.CSMS_SC_RECOMPUTE_INTERVAL_MS,
      txDefaultDelayMs: config.CSMS_SC_TX_DEFAULT_DELAY_MS,
    },
  })
  const link = createLeaderLink({ nc, logger })
  const ops = createProfileOperations({
    nc,
    js,
    profiles,
    sessions,
    directory,
    ids,
    balancer: link,
    logger,
    timeoutMs: config.CSMS_SC_PROFILE_TIMEOUT_MS,
    compositeToleranceA: config.CSMS_SC_COMPOSITE_TOLERANCE_A,
  })

  runOcppHandlers({
    nc,
    queue: 'smart-charging',
    logger,
    metrics,
    handlers: [
      ...createNotifyChargingLimitHandlers({ profiles, balancer: link, js, logger }),
      ...createClearedChargingLimitHandlers({ profiles, balancer: link, js, logger }),
      ...createNotifyEvChargingNeedsHandlers({ sessions, balancer: link, js, logger }),
      ...createNotifyEvChargingScheduleHandlers({
        sessions,
        balancer: link,
        js,
        logger,
        toleranceA: config.CSMS_SC_COMPOSITE_TOLERANCE_A,
      }),
      ...createReportChargingProfilesHandlers({ profiles }),
    ],
  })
  // An operator's SetChargingProfile, ClearChargingProfile, GetChargingProfiles or
  // GetCompositeSchedule through /commands: the spec's rules before sending (a violation is a
  // 400 naming the requirement), the answer stored afterwards.
  serveCommands({
    nc,
    service: 'smart-charging',
    owns: (_version, action) => ownerOf(action) === 'smart-charging',
    beforeSend: async (req, payload) => {
      const violations = await ops.check(req.stationId, req.version, req.action, payload)
      if (violations.length > 0)
        throw new AppError('invalid_input', violationsMessage(violations), { details: { violations } })
    },
    record: (req, reply) =>
      ops
        .recordReply(req.stationId, req.version, req.action, req.payload as Record<string, unknown>, reply)
        .catch((error) => logger.warn({ err: error, action: req.action }, 'could not store the answer')),
    logger,
  })
  serveSiteRpc({ nc, js, nodes, sessions, balancer: link, logger })
  serveProfileRpc({ nc, ops, profiles, logger })

  // The balancer and its durable consumers run in the replica holding the lease.
  let consumers: ConsumerHandle[] = []
  const leadership = runLeadership({
    db,
    ttlMs: config.CSMS_SC_LEASE_TTL_MS,
    logger,
    async onLead() {
      await balancer.start()
      link.lead(balancer)
      consumers = await Promise.all([
        consumeTransactionFacts({ js, jsm, balancer, logger }),
        consumeStationFacts({ js, jsm, balancer, logger }),
        consumeStationSiteFacts({ js, jsm, balancer, logger }),
      ])
    },
    async onFollow() {
      link.follow()
      await Promise.all(consumers.map((c) => c.stop().catch(() => undefined)))
      consumers = []
      await balancer.stop()
    },
  })
  runtime.onShutdown(() => leadership.stop())
  runtime.addReadinessCheck(async () => {
    await leadership.ready
    return true
  })

  return Object.assign(runtime, {
    leadership: leadership.ready,
    isLeader: leadership.isLeader,
    settled: () => balancer.idle(),
  })
}
