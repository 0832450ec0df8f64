import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { StatsAggregator } from '../metrics/stats-aggregator.js'
import { isLoopbackUrl, loopbackSourceAddresses } from '../net/source-addresses.js'
import { renderHtmlReport } from '../report/html-report.js'
import { createLiveView } from '../report/live-view.js'
import { buildReport, type RunReport } from '../report/run-report.js'
import type { Scenario } from '../scenario/scenario-schema.js'
import { FleetEngine } from './fleet-engine.js'
import { planFleet, splitFleet } from './fleet-plan.js'
import type { FromWorker, ToWorker } from './worker-protocol.js'

export type RunOptions = {
  scenario: Scenario
  /** Gateway base URL, e.g. `ws://127.0.0.1:9000/ocpp`. */
  url: string
  /** Where `report.json` and `report.html` go; nothing is written when absent. */
  reportDir?: string
  /** Terminal output for the live view; none when absent. */
  live?: NodeJS.WriteStream
  /** Run in this process even when the fleet would fill several (tests, small fleets). */
  inProcess?: boolean
  /** Ends the run early (Ctrl-C): the report still gets written. */
  signal?: AbortSignal
}

export type RunResult = { report: RunReport; files: { json?: string; html?: string } }

const WORKER = resolve(import.meta.dirname, 'worker-main.js')

/**
 * Runs a scenario: spreads the fleet over child processes when it is larger than one process
 * may hold, merges their figures every second, shows them live and writes the reports.
 */
export async function runScenario(o: RunOptions): Promise<RunResult> {
  const s = o.scenario
  const ranges = o.inProcess
    ? [{ from: 0, to: s.fleet.stations }]
    : splitFleet(s.fleet.stations, s.processes.stationsPerProcess)
  const addresses = isLoopbackUrl(o.url) ? loopbackSourceAddresses(s.processes.sourceAddresses) : []
  const agg = new StatsAggregator(ranges.length)
  let openFilesLimit: number | undefined
  const startedAt = Date.now()
  let startAt = startedAt + 500
  let stopAll: () => Promise<void>

  if (ranges.length === 1 && (o.inProcess || s.fleet.stations <= s.processes.stationsPerProcess)) {
    const engine = new FleetEngine({
      url: o.url,
      behaviour: s.behaviour,
      stations: planFleet(s).map((spec, index) => ({ spec, index })),
      startAt,
      durationMs: s.duration,
      rampPerSecond: s.rampUp.perSecond,
      faults: s.faults,
      sourceAddresses: addresses,
      seed: s.seed,
      onSnapshot: (snap) => agg.add(0, snap),
    })
    engine.start()
    stopAll = async () => agg.add(0, await engine.stop())
  } else {
    const workers = await Promise.all(ranges.map(() => startWorker()))
    openFilesLimit = Math.min(...workers.map((w) => w.openFilesLimit ?? Number.POSITIVE_INFINITY))
    startAt = Date.now() + 1_000
    workers.forEach((w, i) => {
      const range = ranges[i] as { from: number; to: number }
      w.child.on('message', (m: FromWorker) => {
        if (m.type === 'stats') agg.add(i, m.snapshot)
        else if (m.type === 'fatal') o.live?.write(`[csms-sim] worker ${i} failed: ${m.message}\n`)
      })
      const start: ToWorker = {
        type: 'start',
        scenario: s,
        url: o.url,
        ...range,
        startAt,
        sourceAddresses: addresses,
      }
      w.child.send(start)
    })
    stopAll = async () => {
      await Promise.all(
        workers.map(
          (w, i) =>
            new Promise<void>((done) => {
              const timer = setTimeout(() => {
                w.child.kill('SIGKILL')
                done()
              }, 60_000)
              w.child.on('message', (m: FromWorker) => {
                if (m.type !== 'stopped') return
                agg.add(i, m.snapshot)
                clearTimeout(timer)
                done()
              })
              w.child.once('exit', () => {
                clearTimeout(timer)
                done()
              })
              if (w.child.connected) w.child.send({ type: 'stop' } satisfies ToWorker)
              else done()
            }),
        ),
      )
    }
  }

  const view = o.live
    ? createLiveView({
        out: o.live,
        scenario: s.name,
        stations: s.fleet.stations,
        durationMs: s.duration,
        startAt,
      })
    : undefined
  const liveTimer = view ? setInterval(() => view.render(agg), 1_000) : undefined
  await new Promise<void>((done) => {
    const timer = setTimeout(done, Math.max(0, startAt + s.duration - Date.now()))
    o.signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      done()
    })
  })
  await stopAll()
  clearInterval(liveTimer)
  agg.flush()
  view?.render(agg)
  const report = buildReport({
    scenario: s,
    target: o.url,
    agg,
    startedAt: startAt,
    endedAt: Date.now(),
    processes: {
      count: ranges.length,
      stationsPerProcess: s.processes.stationsPerProcess,
      openFilesLimit: openFilesLimit === Number.POSITIVE_INFINITY ? undefined : openFilesLimit,
      sourceAddresses: addresses,
    },
  })
  const files: RunResult['files'] = {}
  if (o.reportDir) {
    mkdirSync(o.reportDir, { recursive: true })
    files.json = join(o.reportDir, 'report.json')
    files.html = join(o.reportDir, 'report.html')
    writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`)
    writeFileSync(files.html, renderHtmlReport(report))
  }
  return { report, files }
}

function startWorker(): Promise<{ child: ChildProcess; openFilesLimit: number | undefined }> {
  const child = fork(WORKER, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=3072'],
  })
  return new Promise((done, fail) => {
    child.once('error', fail)
    child.once('exit', (code) => fail(new Error(`simulator worker exited before it was ready (${code})`)))
    child.once('message', (m: FromWorker) => {
      if (m.type === 'ready') done({ child, openFilesLimit: m.openFilesLimit })
    })
  })
}
