import { readFileSync } from 'node:fs'
import { FleetEngine } from './fleet-engine.js'
import { planFleet } from './fleet-plan.js'
import type { FromWorker, ToWorker } from './worker-protocol.js'

// A child process holding a slice of a large fleet: open files are capped per process (20,000
// here), so 50,000 stations need several processes. Talks to the supervisor over IPC.

const send = (m: FromWorker) => process.send?.(m)

/** The soft limit on open files, as the kernel applies it to this process. */
function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'))
    const n = Number(line?.split(/\s{2,}/)[1])
    return Number.isFinite(n) ? n : undefined
  } catch {
    return undefined
  }
}

let engine: FleetEngine | undefined

process.on('message', (m: ToWorker) => {
  void (async () => {
    if (m.type === 'start') {
      const specs = planFleet(m.scenario, m.from, m.to)
      engine = new FleetEngine({
        url: m.url,
        behaviour: m.scenario.behaviour,
        stations: specs.map((spec, i) => ({ spec, index: m.from + i })),
        startAt: m.startAt,
        durationMs: m.scenario.duration,
        rampPerSecond: m.scenario.rampUp.perSecond,
        faults: m.scenario.faults,
        sourceAddresses: m.sourceAddresses,
        seed: m.scenario.seed,
        onSnapshot: (snapshot) => send({ type: 'stats', snapshot }),
      })
      engine.start()
      return
    }
    const snapshot = await engine?.stop()
    if (snapshot) send({ type: 'stopped', snapshot })
    process.disconnect?.()
  })().catch((error: unknown) => {
    send({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  })
})

// The supervisor going away ends the worker; its sockets go with it.
process.on('disconnect', () => setTimeout(() => process.exit(0), 2_000).unref())
send({ type: 'ready', pid: process.pid, openFilesLimit: openFilesLimit() })
