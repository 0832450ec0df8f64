/** CPU time this process has used, in milliseconds: what other processes do does not count. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * Calls `fn` in batches for about `ms` milliseconds of wall time and returns calls per second of
 * CPU time. Counting CPU time rather than wall time keeps the figure steady on a shared machine,
 * where the process is descheduled now and then; it is throughput per core.
 */
export function opsPerSecond(fn: () => void, ms: number): number {
  let calls = 0
  let batch = 64
  const wallEnd = performance.now() + ms
  const cpuStart = cpuMs()
  let now = performance.now()
  while (now < wallEnd) {
    const batchStart = now
    for (let i = 0; i < batch; i++) fn()
    calls += batch
    now = performance.now()
    // Grow the batch while it is short, so that reading the clocks costs nothing next to the work.
    if (now - batchStart < ms / 50) batch *= 2
  }
  return (calls * 1000) / Math.max(cpuMs() - cpuStart, 0.001)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/**
 * Runs the contenders in turn, round after round, and keeps each one's median: on a shared
 * machine the load changes within seconds, and interleaving spreads it over all contenders alike.
 */
export function race(
  contenders: Record<string, () => void>,
  rounds: number,
  sliceMs: number,
): Record<string, number> {
  const samples: Record<string, number[]> = {}
  for (const [name, fn] of Object.entries(contenders)) {
    opsPerSecond(fn, sliceMs) // warm-up: let V8 optimise before anything counts
    samples[name] = []
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(contenders)) samples[name]?.push(opsPerSecond(fn, sliceMs))
  }
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s)]))
}
