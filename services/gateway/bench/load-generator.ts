import WebSocket from 'ws'
import type { GeneratorCommand, GeneratorReport } from './protocol.js'

// One load-generator process: up to ~18,000 stations (the open-files cap is 20,000 per process),
// all from one loopback source address, driven by the orchestrator over IPC.

type Station = { ws: WebSocket; next: number; sentAt: Map<string, number> }

const stations: Station[] = []
const report = (r: GeneratorReport) => process.send?.(r)
let onAnswer: (latencyMs: number, ok: boolean, station: Station) => void = () => {}

function open(url: string, localAddress: string): Promise<Station> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['ocpp2.0.1'], { localAddress, perMessageDeflate: false })
    const station: Station = { ws, next: 1, sentAt: new Map() }
    ws.once('open', () => resolve(station))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as [number, string]
      const sent = station.sentAt.get(frame[1])
      if (sent === undefined) return
      station.sentAt.delete(frame[1])
      onAnswer(performance.now() - sent, frame[0] === 3, station)
    })
  })
}

function heartbeat(s: Station): void {
  const id = String(s.next++)
  s.sentAt.set(id, performance.now())
  s.ws.send(`[2,"${id}","Heartbeat",{}]`)
}

async function connect(cmd: Extract<GeneratorCommand, { type: 'connect' }>): Promise<void> {
  const started = performance.now()
  let failed = 0
  let firstError: string | undefined
  let i = 0
  const worker = async () => {
    while (i < cmd.count) {
      const n = i++
      const url = `${cmd.baseUrls[n % cmd.baseUrls.length]}${cmd.prefix}-${n}`
      try {
        stations.push(await open(url, cmd.localAddress))
      } catch (error) {
        failed++
        firstError ??= (error as Error).message
      }
    }
  }
  await Promise.all(Array.from({ length: cmd.concurrency }, worker))
  report({
    type: 'connected',
    connected: stations.length,
    failed,
    ms: performance.now() - started,
    ...(firstError ? { firstError } : {}),
  })
}

function run(cmd: Extract<GeneratorCommand, { type: 'closedLoop' | 'openLoop' }>): void {
  const latencies: number[] = []
  let errors = 0
  let running = true
  const timers: NodeJS.Timeout[] = []
  const active = cmd.type === 'closedLoop' ? stations.slice(0, cmd.stations) : stations
  const closedLoop = cmd.type === 'closedLoop'
  onAnswer = (ms, ok, station) => {
    if (!running) return
    latencies.push(ms)
    if (!ok) errors++
    // Closed loop: each answer triggers the station's next CALL, which measures throughput.
    if (closedLoop) heartbeat(station)
  }
  if (cmd.type === 'closedLoop') {
    for (const s of active) heartbeat(s)
  } else {
    active.forEach((s, k) => {
      const phase = (k / active.length) * cmd.intervalMs
      timers.push(
        setTimeout(() => {
          heartbeat(s)
          timers.push(setInterval(() => heartbeat(s), cmd.intervalMs))
        }, phase),
      )
    })
  }
  setTimeout(() => {
    running = false
    for (const t of timers) clearInterval(t)
    report({ type: 'result', calls: latencies.length, errors, latenciesMs: latencies })
  }, cmd.durationMs)
}

process.on('message', (cmd: GeneratorCommand) => {
  if (cmd.type === 'connect') void connect(cmd)
  else if (cmd.type === 'exit') {
    for (const s of stations) s.ws.terminate()
    process.exit(0)
  } else run(cmd)
})
report({ type: 'ready' })
