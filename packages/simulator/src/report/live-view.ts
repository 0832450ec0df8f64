import type { StatsAggregator } from '../metrics/stats-aggregator.js'
import { formatDuration } from '../util/duration.js'

/**
 * The terminal view while a run goes on: redrawn in place on a terminal, one line every few
 * seconds when the output is a file or a CI log.
 */
export function createLiveView(o: {
  out: NodeJS.WriteStream
  scenario: string
  stations: number
  durationMs: number
  startAt: number
}) {
  const tty = o.out.isTTY === true
  let lastLine = 0
  return {
    render(agg: StatsAggregator): void {
      const now = Date.now()
      const elapsed = Math.max(0, now - o.startAt)
      const last = agg.timeline.at(-1)
      const g = agg.gauges()
      const lat = agg.latency()
      const head = `${o.scenario}  ${formatDuration(elapsed)} / ${formatDuration(o.durationMs)}`
      if (!tty) {
        if (now - lastLine < 5_000) return
        lastLine = now
        o.out.write(
          `[csms-sim] ${head}  connected ${g.connected}/${o.stations}  booted ${g.booted}  calls/s ${last?.calls ?? 0}  ` +
            `p50/p95/p99 ${last?.p50 ?? 0}/${last?.p95 ?? 0}/${last?.p99 ?? 0} ms  errors ${agg.totalErrors}\n`,
        )
        return
      }
      const actions = Object.entries(last?.actions ?? {})
        .sort((a, b) => b[1].count - a[1].count)
        .slice(0, 8)
        .map(
          ([a, v]) =>
            `  ${a.padEnd(28)} ${String(v.count).padStart(7)}/s  p50 ${String(v.p50).padStart(8)}  p99 ${String(v.p99).padStart(8)} ms  failed ${v.failed}`,
        )
      const errors = Object.entries(agg.errors)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([k, v]) => `  ${k.padEnd(50)} ${v}`)
      const lines = [
        `csms-sim  ${head}`,
        '',
        `  stations connected  ${String(g.connected).padStart(7)} / ${o.stations}   booted ${g.booted}   transactions ${g.activeTransactions}`,
        `  calls per second    ${String(last?.calls ?? 0).padStart(7)}   total ${agg.totalCalls}   CSMS calls ${Object.values(agg.csmsCalls).reduce((a, b) => a + b, 0)}`,
        `  latency last second p50 ${last?.p50 ?? 0} ms  p95 ${last?.p95 ?? 0} ms  p99 ${last?.p99 ?? 0} ms`,
        `  latency whole run   p50 ${lat.p50} ms  p95 ${lat.p95} ms  p99 ${lat.p99} ms  max ${lat.max} ms`,
        `  errors              ${String(agg.totalErrors).padStart(7)}   last second ${last?.errors ?? 0}`,
        '',
        '  action (last second)',
        ...actions,
        ...(errors.length ? ['', '  errors by kind', ...errors] : []),
      ]
      o.out.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`)
    },
  }
}
