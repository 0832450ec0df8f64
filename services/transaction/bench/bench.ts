import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import {
  createNatsRequester,
  HEADER,
  type NatsRequester,
  ocppInSubject,
  readOcppReply,
  servicesReady,
  wireHeaderText,
} from '@csms/bus'
import { createDb } from '@csms/db'
import {
  freePort,
  type ProcessHandle,
  SERVICE_NODE_FLAGS,
  spawnProcess,
  startNats,
  startPostgres,
  waitFor,
} from '@csms/testkit'
import { connect } from '@nats-io/transport-node'
import { sql } from 'kysely'
import { SCHEMA } from '../src/migrations/index.js'
import { tenSampledValues } from '../test/support/builders.js'
import { createCpuMeter } from './cpu-meter.js'

// `pnpm bench` (in services/transaction): TransactionEvent Updated with 10 sampled values per
// message, sent as the gateway sends them (NATS requests on ocpp.in.v201.TransactionEvent.<id>)
// to the transaction service running as its own process, into PostgreSQL; the gateway runs
// idle beside it. Open loop at BENCH_RATE messages/s (a fleet sends on its own clock, not when
// the CSMS is ready), each station with one CALL in flight at most, as OCPP-J requires.
//
//   BENCH_RATE=5000 BENCH_SECONDS=30 BENCH_STATIONS=10000 CSMS_TX_BATCH_MAX=500 pnpm bench
//   BENCH_RATE=0 runs closed loop with BENCH_WINDOW requests in flight: the ceiling.

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const RATE = env('BENCH_RATE', 5_000)
const SECONDS = env('BENCH_SECONDS', 30)
const WARMUP_S = env('BENCH_WARMUP_S', 5)
const STATIONS = env('BENCH_STATIONS', 10_000)
const WINDOW = env('BENCH_WINDOW', 1_000)
const BATCH_MAX = process.env.CSMS_TX_BATCH_MAX ?? '500'
/**
 * Transaction service processes in one queue group, as replicas of a deployment share the load.
 * Two by default, one per core of this machine: the service does its work on one thread, which
 * one replica saturates below 5,000 messages/s (BENCHMARKS.md, round 7).
 */
const REPLICAS = env('BENCH_REPLICAS', 2)
/**
 * Flushes each replica runs at once. Two replicas run one each, so two flushes are in the
 * database at a time, as with one replica and the service's default of 2: four fell behind
 * in some 60 s runs where two held (round 7).
 */
const BATCH_CONCURRENCY = process.env.CSMS_TX_BATCH_CONCURRENCY ?? (REPLICAS > 1 ? '1' : '2')
/** The measured window is also reported in intervals of this many seconds: sustained, or not. */
const INTERVAL_S = 5
const root = join(import.meta.dirname, '..', '..', '..', '..')

type Station = { id: string; txId: string; seqNo: number; busy: boolean; registerWh: number }

async function main() {
  const nats = await startNats({ restartable: true })
  const pg = await startPostgres({ restartable: true })
  const processes: ProcessHandle[] = []
  const nc = await connect({ servers: nats.url })
  const requester = createNatsRequester(nc)
  try {
    const common = { NATS_URL: nats.url, DATABASE_URL: pg.url, LOG_LEVEL: 'info' }
    const gatewayMain = join(root, 'services/gateway/dist/src/main.js')
    if (existsSync(gatewayMain)) {
      processes.push(
        await spawnProcess({
          name: 'gateway',
          command: process.execPath,
          args: [gatewayMain],
          env: {
            ...common,
            CSMS_GATEWAY_PORT: String(await freePort()),
            CSMS_OPS_PORT: '0',
            CSMS_GATEWAY_HOST: '127.0.0.1',
          },
          silent: true,
        }),
      )
    }
    const services = []
    for (let i = 0; i < REPLICAS; i++) {
      const service = await spawnProcess({
        name: `transaction-${i}`,
        command: process.execPath,
        args: [
          // As the platform launches it; BENCH_NODE_FLAGS come after and win (e.g. --max-semi-space-size=16).
          ...(SERVICE_NODE_FLAGS.transaction ?? []),
          ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
          ...(process.env.BENCH_PROFILE_DIR
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
            : []),
          join(root, 'services/transaction/dist/src/main.js'),
        ],
        env: {
          ...common,
          CSMS_OPS_PORT: '0',
          CSMS_TX_BATCH_MAX: BATCH_MAX,
          CSMS_TX_BATCH_CONCURRENCY: BATCH_CONCURRENCY,
        },
        silent: true,
      })
      processes.push(service)
      services.push(service)
    }
    await waitFor(async () => (await servicesReady(nc, ['transaction'])).transaction, {
      timeoutMs: 60_000,
      description: 'transaction service ready',
    })

    const stations: Station[] = Array.from({ length: STATIONS }, (_, i) => ({
      id: `BENCH-${i}`,
      txId: `bench-tx-${i}`,
      seqNo: 0,
      busy: false,
      registerWh: 1_000_000 + i,
    }))
    // Every station starts its session first (not measured).
    await runClosed(requester, stations, STATIONS, 500, () => true)

    const latencies: number[] = []
    let ok = 0
    let failed = 0
    let deferred = 0
    let measuring = false
    let measuringSince = 0
    const intervals: number[][] = []
    const record = (ms: number, success: boolean) => {
      if (!measuring) return
      if (success) {
        ok++
        latencies.push(ms)
        const i = Math.floor((performance.now() - measuringSince) / 1000 / INTERVAL_S)
        const interval = intervals[i] ?? []
        interval.push(ms)
        intervals[i] = interval
      } else failed++
    }
    const warmupEnd = Date.now() + WARMUP_S * 1000
    const end = warmupEnd + SECONDS * 1000
    setTimeout(() => {
      measuring = true
      measuringSince = performance.now()
    }, WARMUP_S * 1000)
    const started = performance.now()
    const cpu = createCpuMeter({ transaction: services.map((s) => s.pid), nats: nats.pid, postgres: pg.pid })
    setTimeout(() => cpu.start(), WARMUP_S * 1000)
    if (RATE > 0) deferred = await runOpen(requester, stations, RATE, end, record)
    else
      await runClosed(requester, stations, Number.POSITIVE_INFINITY, WINDOW, () => Date.now() < end, record)
    const elapsedS = (performance.now() - started) / 1000 - WARMUP_S
    const cpuSeconds = cpu.stop()

    const db = createDb({ url: pg.url, schema: SCHEMA, poolSize: 1 })
    const { rows } = await sql<{ rows: string; sessions: string }>`
      select (select coalesce(sum(json_array_length(samples)), 0) from meter_values)::text as rows,
             (select count(*) from transactions where state = 'active')::text as sessions`.execute(db)
    // Every acknowledged message of every station (its Started included) had ten sampled values.
    const sent = stations.reduce((n, s) => n + s.seqNo, 0)
    await db.destroy()
    latencies.sort((a, b) => a - b)
    const pct = (p: number) => percentile(latencies, p)
    const writer = services
      .flatMap((s) => s.recentOutput())
      .filter((l) => l.includes('writer stats'))
      .slice(-3)
      .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { meanBatch: number; largestBatch: number })
    const result = {
      mode: RATE > 0 ? `open loop, ${RATE}/s offered` : `closed loop, ${WINDOW} in flight`,
      stations: STATIONS,
      seconds: Math.round(elapsedS),
      batchMax: Number(BATCH_MAX),
      batchConcurrency: Number(BATCH_CONCURRENCY),
      replicas: REPLICAS,
      messagesPerSecond: Math.round(ok / elapsedS),
      sampledValuesPerSecond: Math.round((ok * 10) / elapsedS),
      latencyMs: { p50: round(pct(50)), p99: round(pct(99)), max: round(latencies.at(-1) ?? 0) },
      // Answers per second and p99 in each interval (the last one holds the drain after the end).
      intervals: Array.from(intervals, (list = [], i) => {
        list.sort((a, b) => a - b)
        return `${i * INTERVAL_S}-${(i + 1) * INTERVAL_S} s: ${Math.round(list.length / INTERVAL_S)}/s, p99 ${round(percentile(list, 99))} ms`
      }),
      failed,
      deferredBecauseStationBusy: deferred,
      meanBatch: writer.map((w) => w.meanBatch),
      largestBatch: writer.at(-1)?.largestBatch ?? null,
      // Every acknowledged message is in the database, each reading once.
      sampledValuesExpected: sent * 10,
      sampledValuesStored: Number(rows[0]?.rows),
      activeSessions: Number(rows[0]?.sessions),
      // CPU seconds each component spent per 1,000 messages: what the machine's noise does not change.
      cpuSecondsPer1000Messages: Object.fromEntries(
        Object.entries(cpuSeconds).map(([k, v]) => [
          k,
          Math.round((v / Math.max(1, ok)) * 1000 * 1000) / 1000,
        ]),
      ),
      loadAverage: loadavg().map(round),
    }
    console.log(JSON.stringify(result, null, 2))
    if (result.sampledValuesStored !== result.sampledValuesExpected) process.exitCode = 1
  } finally {
    requester.close()
    await nc.close()
    for (const p of processes.reverse()) await p.stop('SIGTERM', 15_000)
    await pg.stop()
    await nats.stop()
  }
}

/** The p-th percentile of sorted values (0 for none). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

let messageId = 0
// The gateway's span id for each CALL is random; a counter makes a valid, distinct one cheaply.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
async function send(requester: NatsRequester, s: Station): Promise<boolean> {
  const seqNo = s.seqNo
  const timestamp = new Date().toISOString()
  s.registerWh += 30
  const payload = {
    eventType: seqNo === 0 ? 'Started' : 'Updated',
    timestamp,
    triggerReason: seqNo === 0 ? 'Authorized' : 'MeterValuePeriodic',
    seqNo,
    transactionInfo: { transactionId: s.txId, chargingState: 'Charging' },
    ...(seqNo === 0 ? { evse: { id: 1, connectorId: 1 } } : {}),
    meterValue: [{ timestamp, sampledValue: tenSampledValues(s.registerWh) }],
  }
  const headers = wireHeaderText(
    HEADER.messageId,
    String(++messageId),
    HEADER.stationId,
    s.id,
    HEADER.protocol,
    'ocpp2.0.1',
    HEADER.traceparent,
    `00-${TRACE_ID}-${messageId.toString(16).padStart(16, '0')}-01`,
  )
  // The load generator sends as the gateway does: one inbox for all requests, no Error per request.
  const outcome = await requester.request(
    ocppInSubject('v201', 'TransactionEvent', s.id),
    JSON.stringify(payload),
    { timeoutMs: 30_000, headers },
  )
  const ok = outcome.ok && readOcppReply(outcome.msg).ok
  if (ok) s.seqNo++
  return ok
}

/** Up to `window` requests in flight, round robin over the stations, until `more()` says stop. */
async function runClosed(
  requester: NatsRequester,
  stations: Station[],
  limit: number,
  window: number,
  more: () => boolean,
  record?: (ms: number, ok: boolean) => void,
): Promise<void> {
  let next = 0
  let issued = 0
  const worker = async () => {
    while (issued < limit && more()) {
      const s = stations[next++ % stations.length] as Station
      if (s.busy) continue
      issued++
      s.busy = true
      const t = performance.now()
      const ok = await send(requester, s)
      s.busy = false
      record?.(performance.now() - t, ok)
    }
  }
  await Promise.all(Array.from({ length: Math.min(window, stations.length) }, worker))
}

/** `rate` messages per second on a clock, skipping a station whose previous CALL is unanswered. */
async function runOpen(
  requester: NatsRequester,
  stations: Station[],
  rate: number,
  end: number,
  record: (ms: number, ok: boolean) => void,
): Promise<number> {
  let next = 0
  let deferred = 0
  const inflight = new Set<Promise<void>>()
  const tickMs = 5
  const begin = performance.now()
  let issued = 0
  while (Date.now() < end) {
    const due = Math.floor(((performance.now() - begin) / 1000) * rate)
    for (; issued < due; issued++) {
      const s = stations[next++ % stations.length] as Station
      if (s.busy) {
        deferred++
        continue
      }
      s.busy = true
      const t = performance.now()
      const p = send(requester, s).then((ok) => {
        s.busy = false
        record(performance.now() - t, ok)
        inflight.delete(p)
      })
      inflight.add(p)
    }
    await new Promise((r) => setTimeout(r, tickMs))
  }
  await Promise.all([...inflight])
  return deferred
}

await main()
