import type { RunReport } from './run-report.js'
import { escapeHtml as h, lineChart, PALETTE } from './svg-chart.js'

const n = (v: number | undefined) => (v === undefined ? '—' : v.toLocaleString('en-US'))
const ms = (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms`

/** A single HTML file with the figures and charts of a run (throughput, latency, connections, errors). */
export function renderHtmlReport(r: RunReport): string {
  const t = r.timeline
  const topActions = Object.entries(r.perAction)
    .sort((a, b) => b[1].ok + b[1].failed - (a[1].ok + a[1].failed))
    .slice(0, 7)
    .map(([a]) => a)
  const series = (pick: (p: RunReport['timeline'][number]) => number) => t.map((p) => [p.t, pick(p)] as const)
  const throughput = lineChart({
    title: 'Throughput: station calls completed per second',
    yLabel: 'calls/s',
    series: [
      { name: 'all', color: '#111827', points: series((p) => p.calls) },
      ...topActions.map((a, i) => ({
        name: a,
        color: PALETTE[i % PALETTE.length] as string,
        points: series((p) => p.actions[a]?.count ?? 0),
      })),
    ],
  })
  const latency = lineChart({
    title: 'Latency of station calls (CALL → CALLRESULT), per second, HDR histogram percentiles',
    yLabel: 'ms',
    series: [
      { name: 'p50', color: PALETTE[2] as string, points: series((p) => p.p50) },
      { name: 'p95', color: PALETTE[3] as string, points: series((p) => p.p95) },
      { name: 'p99', color: PALETTE[1] as string, points: series((p) => p.p99) },
    ],
  })
  const perActionLatency = lineChart({
    title: 'p99 latency per action',
    yLabel: 'ms',
    series: topActions.map((a, i) => ({
      name: a,
      color: PALETTE[i % PALETTE.length] as string,
      points: series((p) => p.actions[a]?.p99 ?? 0),
    })),
  })
  const connections = lineChart({
    title: 'Connections',
    yLabel: 'stations',
    series: [
      { name: 'connected', color: PALETTE[0] as string, points: series((p) => p.connected) },
      { name: 'booted (Accepted)', color: PALETTE[2] as string, points: series((p) => p.booted) },
      {
        name: 'active transactions',
        color: PALETTE[4] as string,
        points: series((p) => p.activeTransactions),
      },
    ],
  })
  const errors = lineChart({
    title: 'Errors per second',
    yLabel: 'errors/s',
    series: [{ name: 'errors', color: PALETTE[1] as string, points: series((p) => p.errors) }],
  })
  const s = r.summary
  const cards = [
    ['stations', n(s.stations)],
    ['peak connected', n(s.peakConnected)],
    ['booted at end', n(s.bootedAtEnd)],
    ['all booted after', s.allBootedAfterS === undefined ? 'never' : `${s.allBootedAfterS} s`],
    ['calls', n(s.calls)],
    ['peak calls/s', n(s.callsPerSecondPeak)],
    ['p50 / p95 / p99', `${ms(s.latency.p50)} / ${ms(s.latency.p95)} / ${ms(s.latency.p99)}`],
    ['max latency', ms(s.latency.max)],
    [
      'connect p50 / p99 (upgrade + admission)',
      s.connectLatency ? `${ms(s.connectLatency.p50)} / ${ms(s.connectLatency.p99)}` : '—',
    ],
    ['errors', n(s.errors)],
  ]
    .map(
      ([k, v]) =>
        `<div class="card"><div class="k">${h(k as string)}</div><div class="v">${h(v as string)}</div></div>`,
    )
    .join('')
  const actionRows = Object.entries(r.perAction)
    .map(
      ([a, v]) =>
        `<tr><td>${h(a)}</td><td>${n(v.ok)}</td><td>${n(v.failed)}</td><td>${ms(v.latency.p50)}</td><td>${ms(v.latency.p90)}</td><td>${ms(v.latency.p95)}</td><td>${ms(v.latency.p99)}</td><td>${ms(v.latency.p999)}</td><td>${ms(v.latency.max)}</td></tr>`,
    )
    .join('')
  const errorRows = Object.entries(r.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `<tr><td>${h(k)}</td><td>${n(v)}</td></tr>`)
    .join('')
  const counterRows = Object.entries(r.counters)
    .map(([k, v]) => `<tr><td>${h(k)}</td><td>${n(Math.round(v ?? 0))}</td></tr>`)
    .join('')
  const csmsRows = Object.entries(r.csmsCalls)
    .map(([k, v]) => `<tr><td>${h(k)}</td><td>${n(v)}</td></tr>`)
    .join('')
  const storms = r.storms
    .map(
      (x) =>
        `<li>storm at ${x.atS} s: ${n(x.before)} booted before, lowest ${n(x.minConnected)} connected, 99 % booted again after ${x.recoveredAfterS === undefined ? 'never (within the run)' : `${x.recoveredAfterS} s`}</li>`,
    )
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>csms-sim ${h(r.scenario.name)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#111827}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}.card{border:1px solid #e5e7eb;border-radius:6px;padding:8px}.k{color:#6b7280;font-size:12px}.v{font-size:16px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}svg{width:100%;height:auto}code{background:#f3f4f6;padding:1px 4px;border-radius:3px}.muted{color:#6b7280}</style></head><body>
<h1>csms-sim run: ${h(r.scenario.name)}</h1>
<p class="muted">${h(r.scenario.description)}<br>Target <code>${h(r.target)}</code> · ${h(r.startedAt)} → ${h(r.endedAt)} · ${r.processes.count} simulator process(es) · ${h(r.machine.cpuModel)}, ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, Node ${h(r.machine.node)}</p>
<div class="cards">${cards}</div>
${storms ? `<h2>Reconnection storms</h2><ul>${storms}</ul>` : ''}
<h2>Throughput</h2>${throughput}
<h2>Latency</h2>${latency}${perActionLatency}
<h2>Per action</h2><table><tr><th>action</th><th>answered</th><th>failed</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>${actionRows}</table>
<h2>Connections</h2>${connections}
<h2>Errors</h2>${errors}<table><tr><th>kind action code</th><th>count</th></tr>${errorRows || '<tr><td>none</td><td>0</td></tr>'}</table>
${r.errorSamples.length ? `<details><summary>error samples</summary><pre>${h(r.errorSamples.join('\n'))}</pre></details>` : ''}
<h2>Counters</h2><table>${counterRows}</table>
<h2>CSMS-initiated calls received</h2><table>${csmsRows || '<tr><td>none</td><td>0</td></tr>'}</table>
</body></html>
`
}
