// Messages between the benchmark's orchestrator and its load-generator processes (IPC).

export type GeneratorCommand =
  | {
      type: 'connect'
      /** ws://host:port/ocpp/ (the station id is appended). */
      baseUrls: string[]
      prefix: string
      count: number
      localAddress: string
      concurrency: number
    }
  /** `stations` stations each send Heartbeat after Heartbeat for `durationMs`. */
  | { type: 'closedLoop'; stations: number; durationMs: number }
  /** Every station sends a Heartbeat every `intervalMs`, at evenly spread phases. */
  | { type: 'openLoop'; intervalMs: number; durationMs: number }
  | { type: 'exit' }

export type GeneratorReport =
  | { type: 'ready' }
  | { type: 'connected'; connected: number; failed: number; ms: number; firstError?: string }
  | { type: 'result'; calls: number; errors: number; latenciesMs: number[] }

/** Percentile of sorted numbers, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}
