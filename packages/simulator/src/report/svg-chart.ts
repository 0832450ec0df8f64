/** A line chart as inline SVG: no scripts, no external files, so the report opens anywhere. */
export type Series = { name: string; color: string; points: readonly (readonly [number, number])[] }

export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#4b5563',
]

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function niceMax(v: number): number {
  if (v <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}

const fmt = (v: number) =>
  v >= 10_000
    ? `${Math.round(v / 1000)}k`
    : v >= 100
      ? String(Math.round(v))
      : String(Math.round(v * 100) / 100)

export function lineChart(o: {
  title: string
  yLabel: string
  series: readonly Series[]
  xLabel?: string
}): string {
  const W = 920
  const H = 280
  const L = 64
  const R = 16
  const T = 28
  const B = 40
  const all = o.series.flatMap((s) => s.points)
  const xMax = Math.max(1, ...all.map((p) => p[0]))
  const yMax = niceMax(Math.max(0, ...all.map((p) => p[1])))
  const x = (v: number) => L + (v / xMax) * (W - L - R)
  const y = (v: number) => T + (1 - v / yMax) * (H - T - B)
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = yMax * f
      return `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`
    })
    .join('')
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) => `<text x="${x(xMax * f)}" y="${H - B + 16}" text-anchor="middle">${Math.round(xMax * f)}</text>`,
    )
    .join('')
  const lines = o.series
    .map((s) => {
      if (s.points.length === 0) return ''
      const d = s.points
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
        .join('')
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`
    })
    .join('')
  const legend = o.series
    .map(
      (s, i) =>
        `<g transform="translate(${L + i * 150},${H - 6})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14">${escapeHtml(s.name)}</text></g>`,
    )
    .join('')
  return `<figure><figcaption>${escapeHtml(o.title)}</figcaption><svg viewBox="0 0 ${W} ${H + 14}" role="img" aria-label="${escapeHtml(o.title)}">
<g font-size="11" fill="#374151">${grid}${xTicks}<text x="${W - R}" y="${H - B + 30}" text-anchor="end">${escapeHtml(o.xLabel ?? 'seconds since start')}</text><text x="12" y="${T - 10}">${escapeHtml(o.yLabel)}</text></g>
${lines}<g font-size="11" fill="#111827" transform="translate(0,14)">${legend}</g></svg></figure>`
}
