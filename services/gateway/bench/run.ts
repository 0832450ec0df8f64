import { cpus, release, totalmem } from 'node:os'
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

// `pnpm bench` in services/gateway: the figures of BENCHMARKS.md. Everything runs on loopback
// addresses 127.0.0.x and every phase is bounded in time (about eight minutes in all).

const args = new Set(process.argv.slice(2))
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

async function settle(pid: number): Promise<number> {
  await sleep(5_000) // let connection-time garbage be collected before RSS is read
  return rssBytes(pid)
}

async function idleMemoryAndLatency(natsUrl: string, target: 'gateway' | 'bare') {
  const server: Server =
    target === 'gateway' ? await startGatewayPod(natsUrl, 'gw-bench-1') : await startBareServer()
  const pid = server.handle.pid
  const url = `ws://127.0.0.1:${server.port}/ocpp/`
  const gens = [await startGenerator(), await startGenerator(), await startGenerator()]
  try {
    // Warm-up: JIT the connect and CALL paths, so the baseline is not the cold process.
    const warm = await startGenerator()
    await connectAll([warm], { baseUrls: [url], prefix: 'warm', count: 200, firstAddress: 9 })
    await runLoad([warm], { type: 'closedLoop', stations: 50, durationMs: 3_000 })
    await stopGenerators([warm])
    const rss0 = await settle(pid)
    const first = await connectAll([gens[0] as Generator], {
      baseUrls: [url],
      prefix: 'a',
      count: 1_000,
      firstAddress: 2,
    })
    const rss1k = await settle(pid)
    const rest = await connectAll(gens.slice(1), {
      baseUrls: [url],
      prefix: 'b',
      count: 9_000,
      firstAddress: 3,
    })
    const rss19k = await settle(pid)
    const held = first.connected + rest.connected
    say(`### ${target}: idle stations (load average ${loadAverage()})`)
    say(`- baseline RSS after warm-up: ${(rss0 / 1024 / KiB).toFixed(1)} MiB`)
    say(`- 1,000 stations: +${((rss1k - rss0) / 1_000 / KiB).toFixed(2)} KiB RSS per station`)
    say(
      `- ${held.toLocaleString('en')} stations (connected in ${rest.seconds.toFixed(1)} s, failed ${first.failed + rest.failed}${rest.firstError ? `: ${rest.firstError}` : ''}): +${((rss19k - rss0) / held / KiB).toFixed(2)} KiB RSS per station, RSS ${(rss19k / 1024 / KiB).toFixed(1)} MiB`,
    )
    if (server.opsPort) {
      const heap = await metric(server.opsPort, 'nodejs_heap_size_used_bytes')
      say(`- V8 heap used with ${held} stations: ${(heap / 1024 / KiB).toFixed(1)} MiB`)
    }
    const open = await measured(pid, gens, { type: 'openLoop', intervalMs: 10_000, durationMs: 60_000 })
    say(
      `- Heartbeat every 10 s from each of ${held} stations, 60 s: ${load(open.result)}; CPU ${open.perCallUs.toFixed(1)} µs per CALL`,
    )
    const closed = await measured(pid, [gens[0] as Generator], {
      type: 'closedLoop',
      stations: 100,
      durationMs: 15_000,
    })
    say(
      `- closed loop, 100 stations back to back, 15 s: ${load(closed.result)}; CPU ${closed.perCallUs.toFixed(1)} µs per CALL (${((closed.cpu / 15) * 100).toFixed(0)}% of a core)`,
    )
    return { closedPerCallUs: closed.perCallUs }
  } finally {
    await stopGenerators(gens)
    await server.handle.stop('SIGTERM', 20_000)
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
    const rss0 = pods.map((p) => rssBytes(p.handle.pid))
    const baseUrls = pods.map((p) => `ws://127.0.0.1:${p.port}/ocpp/`)
    const c = await connectAll(gens, {
      baseUrls,
      prefix: 'f',
      count: 12_500,
      firstAddress: 2,
      concurrency: 200,
    })
    await sleep(5_000)
    const counts = await Promise.all(pods.map((p) => metric(p.opsPort as number, 'csms_gateway_connections')))
    say(`### 50,000 stations on three gateway processes (load average ${loadAverage()})`)
    say(
      `- connected ${c.connected.toLocaleString('en')} (failed ${c.failed}${c.firstError ? `: ${c.firstError}` : ''}) in ${c.seconds.toFixed(1)} s, ${(c.connected / c.seconds).toFixed(0)} upgrades/s incl. admission over NATS`,
    )
    pods.forEach((p, i) => {
      const grown = rssBytes(p.handle.pid) - (rss0[i] as number)
      say(
        `- ${p.handle.name}: ${counts[i]} sockets, RSS ${(rssBytes(p.handle.pid) / 1024 / KiB).toFixed(1)} MiB (+${(grown / (counts[i] || 1) / KiB).toFixed(2)} KiB per station)`,
      )
    })
    const cpu0 = pods.map((p) => cpuSeconds(p.handle.pid))
    const r = await runLoad(gens, { type: 'openLoop', intervalMs: 30_000, durationMs: 30_000 })
    const cpu = pods.reduce((n, p, i) => n + cpuSeconds(p.handle.pid) - (cpu0[i] as number), 0)
    say(
      `- Heartbeat every 30 s from each station, 30 s: ${load(r)}; gateway CPU ${((cpu / r.calls) * 1e6).toFixed(1)} µs per CALL`,
    )
  } finally {
    await stopGenerators(gens)
    await Promise.all(pods.map((p) => p.handle.stop('SIGTERM', 30_000)))
  }
}

const nats = await startNats()
const responder = await startResponder(nats.url)
try {
  say(`## Run of ${new Date().toISOString()}`)
  say(
    `- machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`,
  )
  let gateway: number | undefined
  let bare: number | undefined
  if (only('gateway')) gateway = (await idleMemoryAndLatency(nats.url, 'gateway')).closedPerCallUs
  if (only('bare')) bare = (await idleMemoryAndLatency(nats.url, 'bare')).closedPerCallUs
  if (gateway !== undefined && bare !== undefined)
    say(`- gateway CPU per CALL / bare uWS CPU per CALL (closed loop): ${(gateway / bare).toFixed(2)}×`)
  if (only('fleet')) await fleet(nats.url)
} finally {
  await responder.stop()
  await nats.stop()
}
