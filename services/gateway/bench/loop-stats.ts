import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
}

/**
 * Benchmark-only: BENCH_LOOP_STATS_DIR records the server's event-loop delay (p50/p99/max) and
 * every GC pause by kind, and writes them there when the returned function is called, or for one
 * phase between the IPC messages "loop-stats:reset" and "loop-stats:write:<phase>": where a
 * latency tail comes from, GC or something else blocking the loop.
 */
export function startLoopStats(): () => void {
  const dir = process.env.BENCH_LOOP_STATS_DIR
  if (!dir) return () => {}
  mkdirSync(dir, { recursive: true })
  const delay = monitorEventLoopDelay({ resolution: 5 })
  delay.enable()
  const pauses: Array<{ at: number; kind: string; ms: number }> = []
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1
      pauses.push({ at: Math.round(e.startTime), kind: KINDS[kind] ?? String(kind), ms: e.duration })
    }
  })
  gc.observe({ entryTypes: ['gc'] })
  const write = (phase: string) => {
    const ms = (ns: number) => ns / 1e6
    const report = {
      eventLoopDelayMs: {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        p999: ms(delay.percentile(99.9)),
        max: ms(delay.max),
      },
      gc: pauses,
    }
    writeFileSync(join(dir, `${process.pid}-${phase}-loop.json`), JSON.stringify(report))
  }
  process.on('message', (m) => {
    if (m === 'loop-stats:reset') {
      delay.reset()
      pauses.length = 0
    } else if (typeof m === 'string' && m.startsWith('loop-stats:write:')) {
      write(m.slice('loop-stats:write:'.length))
    }
  })
  return () => {
    delay.disable()
    gc.disconnect()
    write('all')
  }
}
