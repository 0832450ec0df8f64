import { execFileSync } from 'node:child_process'
import { cpus, release } from 'node:os'

/** The lines of BENCHMARKS.md that say where the figures come from. */
export function machine(loadBefore: number, loadAfter: number): string[] {
  let model = cpus()[0]?.model ?? 'unknown CPU'
  let cores = `${cpus().length} logical CPUs`
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' })
    model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? model
    const count = /^CPU\(s\):\s*(\d+)/m.exec(lscpu)?.[1]
    if (count) cores = `${count} CPUs`
  } catch {
    // No lscpu (not Linux): os.cpus() has said enough.
  }
  return [
    `- Machine: ${model}, ${cores} (lscpu), Linux ${release()}; every figure is one core (one process, one thread)`,
    `- Node ${process.version}, V8 ${process.versions.v8}`,
    `- Load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. The machine is shared,`,
    '  so figures move between runs (a few percent for the ratios, which compare contenders taking turns)',
  ]
}
