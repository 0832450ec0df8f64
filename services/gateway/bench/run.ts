import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startNats } from '@csms/testkit'
import {
  connectAll,
  type Generator,
  type LoadResult,
  runLoad,
  startGenerator,
  stopGenerators,
} from './generators.js'
import { cpuSeconds, loadAverage, rssBytes } from './proc-stats.js'
import { metric, type Server, startBareServer, startGatewayPod, startResponder } from './servers.js'
import { median, ratios, takeTurns } from './turns.js'

// `pnpm bench` in services/gateway: the figures of BENCHMARKS.md. Everything runs on loopback
// addresses 127.0.0.x and every phase is bounded in time (about twelve minutes in all).

const args = new Set(process.argv.slice(2))
// BENCH_SCALE=0.05 shrinks station counts and durations for a quick smoke run.
const SCALE = Number(process.env.BENCH_SCALE ?? 1)
const n = (count: number) => Math.max(10, Math.round(count * SCALE))
const t = (milliseconds: number) => Math.max(3_000, Math.round(milliseconds * SCALE))
const only = (phase: string) => args.size === 0 || args.has(phase)
const KiB = 1024
const out: string[] = []
const say = (line: string) => {
  out.push(line)
  console.log(line)
}
const ms = (n: number) => `${n.toFixed(2)} ms`
const load = (r: LoadResult) =>
  `${r.calls} calls, ${r.perSecond.toFixed(0)}/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, max ${ms(r.max)}, errors ${r.errors}`

/** Gateway CPU per CALL over a load run: CPU seconds used during it / CALLs answered. */
async function measured(pid: number, gens: Generator[], cmd: Parameters<typeof runLoad>[1]) {
  const cpu0 = cpuSeconds(pid)
  const result = await runLoad(gens, cmd)
  const cpu = cpuSeconds(pid) - cpu0
  return { result, cpu, perCallUs: (cpu / result.calls) * 1e6 }
}

type Memory = { raw: number; rss: number; heap: number }

/** RSS as a pod shows it (after 5 s), then after a full GC in the server, and the V8 heap in use. */
async function memory(server: Server): Promise<Memory> {
  await sleep(5_000)
  const raw = rssBytes(server.pid)
  const settled = await server.settledMemory()
  return { raw, rss: settled.rss, heap: settled.heapUsed }
}

const perStation = (a: Memory, b: Memory, n: number) =>
  `${((b.raw - a.raw) / n / KiB).toFixed(2)} KiB RSS as found, ${((b.rss - a.rss) / n / KiB).toFixed(2)} KiB RSS and ` +
  `${((b.heap - a.heap) / n / KiB).toFixed(2)} KiB V8 heap after a full GC`

async function idleMemoryAndLatency(natsUrl: string, target: 'gateway' | 'bare') {
  const server: Server =
    target === 'gateway' ? await startGatewayPod(natsUrl, 'gw-bench-1') : await startBareServer()
  const pid = server.pid
  const url = `ws://127.0.0.1:${server.port}/ocpp/`
  const gens = [await startGenerator(), await startGenerator(), await startGenerator()]
  try {
    // Warm-up: JIT the connect and CALL paths, so the baseline is not the cold process.
    const warm = await startGenerator()
    await connectAll([warm], { baseUrls: [url], prefix: 'warm', count: 200, firstAddress: 9 })
    await runLoad([warm], { type: 'closedLoop', stations: 50, durationMs: 3_000 })
    await stopGenerators([warm])
    const m0 = await memory(server)
    const first = await connectAll([gens[0] as Generator], {
      baseUrls: [url],
      prefix: 'a',
      count: n(1_000),
      firstAddress: 2,
    })
    const m1 = await memory(server)
    const rest = await connectAll(gens.slice(1), {
      baseUrls: [url],
      prefix: 'b',
      count: n(9_000),
      firstAddress: 3,
    })
    const m19 = await memory(server)
    const held = first.connected + rest.connected
    const failed = first.failed + rest.failed
    say(`### ${target}: idle stations (load average ${loadAverage()})`)
    say(
      `- baseline after warm-up: RSS ${(m0.rss / 1024 / KiB).toFixed(1)} MiB, V8 heap ${(m0.heap / 1024 / KiB).toFixed(1)} MiB`,
    )
    say(`- ${first.connected.toLocaleString('en')} stations: ${perStation(m0, m1, first.connected)}`)
    say(
      `- ${held.toLocaleString('en')} stations (${(rest.connected / rest.seconds).toFixed(0)} upgrades/s, failed ${failed}${rest.firstError ? `: ${rest.firstError}` : ''}): ` +
        `${perStation(m0, m19, held)}; RSS ${(m19.raw / 1024 / KiB).toFixed(1)} MiB as found`,
    )
    // One interval unmeasured first: every station's first Heartbeat, the JIT of the open-loop
    // path and the collections of the connect phase's garbage are start-up, not steady state.
    await runLoad(gens, { type: 'openLoop', intervalMs: 10_000, durationMs: t(10_000) })
    server.send('loop-stats:reset')
    const open = await measured(pid, gens, { type: 'openLoop', intervalMs: 10_000, durationMs: t(60_000) })
    server.send(`loop-stats:write:${target}-open-loop`)
    say(
      `- Heartbeat every 10 s from each of ${held.toLocaleString('en')} stations, ${t(60_000) / 1000} s: ${load(open.result)}; CPU ${open.perCallUs.toFixed(1)} µs per CALL`,
    )
    const closed = await measured(pid, [gens[0] as Generator], {
      type: 'closedLoop',
      stations: 100,
      durationMs: t(15_000),
    })
    say(
      `- closed loop, 100 stations back to back, ${t(15_000) / 1000} s: ${load(closed.result)}; CPU ${closed.perCallUs.toFixed(1)} µs per CALL (${((closed.cpu / (t(15_000) / 1000)) * 100).toFixed(0)}% of a core)`,
    )
    return { closedPerCallUs: closed.perCallUs, openPerCallUs: open.perCallUs }
  } finally {
    await stopGenerators(gens)
    await server.stop()
  }
}

/** The closed loop again on a fresh gateway with the message log off: what the log costs. */
async function withoutMessageLog(natsUrl: string) {
  const server = await startGatewayPod(natsUrl, 'gw-bench-nolog', { CSMS_GATEWAY_MESSAGE_LOG: 'false' })
  const url = `ws://127.0.0.1:${server.port}/ocpp/`
  const gen = await startGenerator()
  try {
    await connectAll([gen], { baseUrls: [url], prefix: 'n', count: 200, firstAddress: 9 })
    await runLoad([gen], { type: 'closedLoop', stations: 100, durationMs: 3_000 })
    const closed = await measured(server.pid, [gen], {
      type: 'closedLoop',
      stations: 100,
      durationMs: t(15_000),
    })
    say(`### gateway with CSMS_GATEWAY_MESSAGE_LOG=false (load average ${loadAverage()})`)
    say(
      `- closed loop, 100 stations back to back, ${t(15_000) / 1000} s: ${load(closed.result)}; CPU ${closed.perCallUs.toFixed(1)} µs per CALL`,
    )
    return closed.perCallUs
  } finally {
    await stopGenerators([gen])
    await server.stop()
  }
}

/**
 * The CPU-per-CALL ratio as the target asks for it: the gateway (message log on, as deployed;
 * and off) and the bare server, each holding 19,000 stations, take turns at the closed loop
 * (BENCH_TURNS rounds of 8 s), so that every ratio compares the same minute of the machine.
 */
async function inTurns(natsUrl: string) {
  const servers: Record<string, Server> = {
    gateway: await startGatewayPod(natsUrl, 'gw-turns'),
    'gateway-log-off': await startGatewayPod(natsUrl, 'gw-turns-nolog', {
      CSMS_GATEWAY_MESSAGE_LOG: 'false',
    }),
    bare: await startBareServer(),
  }
  try {
    say(
      `### closed loop in turns, ${n(19_000).toLocaleString('en')} stations connected to each server (load average ${loadAverage()})`,
    )
    const us = await takeTurns(servers, {
      stations: n(19_000),
      rounds: Number(process.env.BENCH_TURNS ?? 6),
      roundMs: t(8_000),
      say,
    })
    const bare = us.bare ?? []
    for (const name of ['gateway', 'gateway-log-off']) {
      const r = ratios(us[name] ?? [], bare)
      say(
        `- ${name}: median ${median(us[name] ?? []).toFixed(1)} µs per CALL against bare ${median(bare).toFixed(1)}; ` +
          `round by round ${r.map((x) => x.toFixed(2)).join(', ')}× (median **${median(r).toFixed(2)}×**)`,
      )
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop()
  }
}

async function fleet(natsUrl: string) {
  const pods = [
    await startGatewayPod(natsUrl, 'gw-fleet-1'),
    await startGatewayPod(natsUrl, 'gw-fleet-2'),
    await startGatewayPod(natsUrl, 'gw-fleet-3'),
  ]
  const gens = await Promise.all([0, 1, 2, 3].map(() => startGenerator()))
  try {
    const before = await Promise.all(pods.map((p) => p.settledMemory()))
    const baseUrls = pods.map((p) => `ws://127.0.0.1:${p.port}/ocpp/`)
    const c = await connectAll(gens, {
      baseUrls,
      prefix: 'f',
      count: n(12_500),
      firstAddress: 2,
      concurrency: 200,
    })
    await sleep(5_000)
    const counts = await Promise.all(pods.map((p) => metric(p.opsPort as number, 'csms_gateway_connections')))
    say(
      `### ${c.connected.toLocaleString('en')} stations on three gateway processes (load average ${loadAverage()})`,
    )
    say(
      `- connected ${c.connected.toLocaleString('en')} (failed ${c.failed}${c.firstError ? `: ${c.firstError}` : ''}) in ${c.seconds.toFixed(1)} s, ${(c.connected / c.seconds).toFixed(0)} upgrades/s incl. admission over NATS`,
    )
    for (const [i, p] of pods.entries()) {
      const raw = rssBytes(p.pid)
      const settled = await p.settledMemory()
      const per = (settled.rss - (before[i]?.rss ?? 0)) / (counts[i] || 1) / KiB
      say(
        `- ${p.name}: ${counts[i]} sockets, RSS ${(raw / 1024 / KiB).toFixed(1)} MiB as found, ${(settled.rss / 1024 / KiB).toFixed(1)} MiB after a full GC (+${per.toFixed(2)} KiB per station)`,
      )
    }
    const cpu0 = pods.map((p) => cpuSeconds(p.pid))
    const r = await runLoad(gens, { type: 'openLoop', intervalMs: t(30_000), durationMs: t(30_000) })
    const cpu = pods.reduce((n, p, i) => n + cpuSeconds(p.pid) - (cpu0[i] as number), 0)
    say(
      `- Heartbeat every ${t(30_000) / 1000} s from each station, ${t(30_000) / 1000} s: ${load(r)}; gateway CPU ${((cpu / r.calls) * 1e6).toFixed(1)} µs per CALL`,
    )
  } finally {
    await stopGenerators(gens)
    await Promise.all(pods.map((p) => p.stop(30_000)))
  }
}

const nats = await startNats()
const responder = await startResponder(nats.url)
try {
  say(`## Run of ${new Date().toISOString()}`)
  say(
    `- machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`,
  )
  const gateway = only('gateway') ? await idleMemoryAndLatency(nats.url, 'gateway') : undefined
  const bare = only('bare') ? await idleMemoryAndLatency(nats.url, 'bare') : undefined
  if (gateway && bare) {
    say(
      `- gateway / bare uWS CPU per CALL: ${(gateway.closedPerCallUs / bare.closedPerCallUs).toFixed(2)}× closed loop, ` +
        `${(gateway.openPerCallUs / bare.openPerCallUs).toFixed(2)}× at a Heartbeat per station every 10 s`,
    )
  }
  const noLog = only('nolog') ? await withoutMessageLog(nats.url) : undefined
  if (noLog && bare)
    say(
      `- gateway without message log / bare uWS CPU per CALL: ${(noLog / bare.closedPerCallUs).toFixed(2)}× closed loop`,
    )
  if (only('turns')) await inTurns(nats.url)
  if (only('fleet')) await fleet(nats.url)
} finally {
  await responder.stop()
  await nats.stop()
  // Every run leaves its report beside the benchmark, machine and date included.
  const dir = join(import.meta.dirname, '../../bench/results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}.md`)
  writeFileSync(file, `${out.join('\n')}\n`)
  console.log(`report written to ${file}`)
}
