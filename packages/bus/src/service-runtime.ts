import {
  createLogger,
  createMetrics,
  initTracing,
  type Logger,
  type Metrics,
  shutdownTracing,
  startOpsServer,
} from '@csms/telemetry'
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connectBus } from './connect.js'
import { ensureStreams, type StreamOptions } from './events.js'
import { inflightOf } from './inflight.js'
import { readStreamSettings } from './stream-settings.js'
import { pingSubject, type ServiceName } from './subjects.js'

export type ServiceRuntime = {
  name: ServiceName
  nc: NatsConnection
  js: JetStreamClient
  jsm: JetStreamManager
  logger: Logger
  metrics: Metrics
  /** Ready only when every check passes (e.g. database reachable). */
  addReadinessCheck(check: () => Promise<boolean> | boolean): void
  /** Runs on SIGTERM/SIGINT after NATS subscriptions drained, in reverse order of registration. */
  onShutdown(fn: () => Promise<void> | void): void
  /** Marks the service ready, answers pings, and resolves when the process has been asked to stop. */
  serve(): Promise<void>
  stop(): Promise<void>
}

/**
 * The composition every service shares: logger, tracing, metrics, NATS (with the platform's
 * streams), the ops server (/healthz, /readyz, /metrics), a ping responder for the API's
 * readiness, and an orderly drain on SIGTERM.
 */
export async function createServiceRuntime(opts: {
  name: ServiceName
  natsUrl: string
  opsHost: string
  opsPort: number
  /** The streams' replicas and limits; by default from the environment (`readStreamSettings`). */
  streams?: StreamOptions
}): Promise<ServiceRuntime> {
  // Read first: a bad setting stops the service before it connects to anything.
  const streams = opts.streams ?? readStreamSettings()
  const logger = createLogger(opts.name)
  initTracing(`csms-${opts.name}`)
  const metrics = createMetrics(opts.name)
  const nc = await connectBus({ url: opts.natsUrl, name: `csms-${opts.name}`, logger })
  const jsm = await jetstreamManager(nc)
  await ensureStreams(jsm, streams)
  const js = jetstream(nc)
  const checks: Array<() => Promise<boolean> | boolean> = [() => !nc.isClosed()]
  const shutdowns: Array<() => Promise<void> | void> = []
  let serving = false
  let stopping: Promise<void> | undefined
  let release: () => void = () => {}
  const stopped = new Promise<void>((resolve) => {
    release = resolve
  })

  const isReady = async () => {
    if (!serving) return false
    for (const check of checks) if (!(await check())) return false
    return true
  }
  const ops = await startOpsServer({
    host: opts.opsHost,
    port: opts.opsPort,
    registry: metrics.registry,
    isReady,
  })

  const runtime: ServiceRuntime = {
    name: opts.name,
    nc,
    js,
    jsm,
    logger,
    metrics,
    addReadinessCheck: (check) => checks.push(check),
    onShutdown: (fn) => shutdowns.push(fn),
    async serve() {
      nc.subscribe(pingSubject(opts.name), {
        callback: (_err, msg) => {
          void isReady().then((ready) => msg.respond(JSON.stringify({ service: opts.name, ready })))
        },
      })
      serving = true
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void runtime.stop())
      logger.info({ opsPort: ops.port }, `${opts.name} ready`)
      await stopped
    },
    stop() {
      stopping ??= (async () => {
        serving = false
        logger.info('draining')
        // Stop taking requests, let started handlers reply, then close NATS.
        await inflightOf(nc).quiesce(10_000)
        await nc.drain().catch((error) => logger.warn({ err: error }, 'nats drain failed'))
        // One failing step (a consumer whose connection is already gone) must not skip the rest,
        // or the database pool stays open and the process never exits.
        for (const fn of shutdowns.reverse()) {
          await Promise.resolve()
            .then(fn)
            .catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'))
        }
        await ops.close()
        await shutdownTracing()
        logger.info('stopped')
        release()
      })()
      return stopping
    },
  }
  return runtime
}
