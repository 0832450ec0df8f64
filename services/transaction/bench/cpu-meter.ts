import { readdirSync, readFileSync } from 'node:fs'

/** utime + stime of processes (and, for PostgreSQL, of every backend under the postmaster). */
export function createCpuMeter(groups: Record<string, number[] | number | undefined>) {
  const ticks = Number(process.env.CLK_TCK ?? 100)
  const stat = (pid: number): { ppid: number; cpu: number } | null => {
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ')
      return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks }
    } catch {
      return null
    }
  }
  const sample = () => {
    const all = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((d) => ({ pid: Number(d), s: stat(Number(d)) }))
    const out: Record<string, number> = {}
    for (const [name, pids] of Object.entries(groups)) {
      if (pids === undefined) continue
      const roots = new Set(Array.isArray(pids) ? pids : [pids])
      out[name] = all
        .filter((p) => p.s !== null && (roots.has(p.pid) || (name === 'postgres' && roots.has(p.s.ppid))))
        .reduce((sum, p) => sum + (p.s?.cpu ?? 0), 0)
    }
    out.bench = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6
    return out
  }
  let first: Record<string, number> = {}
  return {
    start() {
      first = sample()
    },
    stop(): Record<string, number> {
      const last = sample()
      return Object.fromEntries(Object.entries(last).map(([k, v]) => [k, v - (first[k] ?? 0)]))
    },
  }
}
