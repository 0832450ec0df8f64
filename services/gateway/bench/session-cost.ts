import { createNatsRequester, createWireWriter } from '@csms/bus'
import { createLogger, createMetrics, initTracing } from '@csms/telemetry'
import type { Msg, NatsConnection } from '@nats-io/transport-node'
import { createGatewayMetrics } from '../src/gateway-metrics.js'
import { createMessageLog } from '../src/server/message-log.js'
import { createInflight } from '../src/session/inflight.js'
import type { FrameSink, SessionContext } from '../src/session/session-context.js'
import { StationSession } from '../src/session/station-session.js'

// The gateway's own JavaScript per CALL, without sockets: 100 sessions take a Heartbeat frame
// each, forward it through the real requester and wire writer (their NATS writes land in a
// counter, not a socket), get the owner's reply as nats.js would hand it over, answer and log.
// The closed loop through real sockets moves by a quarter with the VM's speed and mixes this
// cost with the kernel's, nats.js's and uWS's; this one is steady enough to compare changes.
//
//   node dist/bench/session-cost.js [--no-log]
//
// Prints the median and lowest µs of CPU per CALL over 9 measured runs of 300,000 CALLs, and
// the young-generation collections (scavenges) run meanwhile, a measure of what was allocated.

const withLog = !process.argv.includes('--no-log')
initTracing('session-cost', {})

let natsBytes = 0
let inbox: ((err: Error | null, msg: Msg) => void) | undefined
let inboxSubject = ''
const nc = {
  protocol: {
    sendCommand: (b: Uint8Array) => {
      natsBytes += b.length
    },
    info: { max_payload: 8 << 20 },
  },
  isClosed: () => false,
  subscribe: (subject: string, opts: { callback: (err: Error | null, msg: Msg) => void }) => {
    inboxSubject = subject
    inbox = opts.callback
    return { unsubscribe() {} }
  },
  status: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => {}) }) }),
} as unknown as NatsConnection

const logger = createLogger('session-cost', 'silent')
const requester = createNatsRequester(nc)
const replyPrefix = inboxSubject.slice(0, -1)
let jobs: Array<() => void> = []
const messageLog = withLog ? createMessageLog(nc, 'gw-bench', logger) : undefined
const ctx: SessionContext = {
  nc,
  gatewayId: 'gw-bench',
  logger,
  metrics: createGatewayMetrics(createMetrics('session-cost')),
  inflight: createInflight(),
  batch: (job) => {
    jobs.push(job)
  },
  requester,
  wire: createWireWriter(nc),
  callTimeoutMs: 30_000,
  natsTimeoutMs: 10_000,
  maxQueuedCalls: 20,
  maxQueuedInbound: 10,
  log: messageLog,
  buffering: new Set(),
}
let answers = 0
const sink: FrameSink = {
  send: () => {
    answers++
    return 1
  },
  getBufferedAmount: () => 0,
  close() {},
}
const sessions = Array.from(
  { length: 100 },
  (_, i) =>
    new StationSession(
      ctx,
      {
        stationId: `CS-${String(i).padStart(6, '0')}`,
        version: 'v201',
        protocol: 'ocpp2.0.1',
        connectionId: `c${i}-0123456789abcdef`,
      },
      sink,
    ),
)
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const frames = sessions.map(() => encoder.encode(`[2,"${crypto.randomUUID()}","Heartbeat",{}]`))
const reply = encoder.encode('{"currentTime":"2026-11-27T02:00:00.000Z"}')
let token = 0
let calls = 0

/** One CALL for each of the 100 sessions, answered; the log flushed every 300 CALLs as its timer would. */
function round(): void {
  for (let i = 0; i < sessions.length; i++) sessions[i]?.onFrame(decoder.decode(frames[i]))
  const now = jobs
  jobs = []
  for (const job of now) job()
  for (let i = 0; i < sessions.length; i++)
    inbox?.(null, {
      subject: `${replyPrefix}${(token++).toString(36)}`,
      data: reply,
      headers: undefined,
    } as unknown as Msg)
  calls += sessions.length
  if (calls % 300 === 0) messageLog?.flush()
}

const { PerformanceObserver } = await import('node:perf_hooks')
let scavenges = 0
const gcObserver = new PerformanceObserver((list) => {
  // kind 1: NODE_PERFORMANCE_GC_MINOR, a scavenge.
  for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++
})
gcObserver.observe({ entryTypes: ['gc'] })

for (let i = 0; i < 5_000; i++) round()
const perCall: number[] = []
const measuredFrom = calls
const scavengesBefore = scavenges
for (let run = 0; run < 9; run++) {
  const before = process.cpuUsage()
  const c0 = calls
  for (let i = 0; i < 3_000; i++) round()
  const used = process.cpuUsage(before)
  perCall.push((used.user + used.system) / (calls - c0))
}
// PerformanceObserver reports on a later turn.
await new Promise((r) => setTimeout(r, 50))
gcObserver.disconnect()
if (answers !== calls) throw new Error(`${answers} answers to ${calls} CALLs`)
perCall.sort((a, b) => a - b)
console.log(
  JSON.stringify({
    log: withLog,
    microsecondsPerCall: { median: Number(perCall[4]?.toFixed(2)), lowest: Number(perCall[0]?.toFixed(2)) },
    calls: calls - measuredFrom,
    scavenges: scavenges - scavengesBefore,
    natsBytesPerCall: Math.round(natsBytes / calls),
  }),
)
process.exit(0)
