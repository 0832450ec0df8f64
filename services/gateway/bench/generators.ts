import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { killOnExit } from './children.js'
import { type GeneratorCommand, type GeneratorReport, percentile } from './protocol.js'

export type Generator = {
  child: ChildProcess
  send(cmd: GeneratorCommand): void
  next<T extends GeneratorReport['type']>(type: T): Promise<Extract<GeneratorReport, { type: T }>>
}

/** Forks a load-generator process; it is killed when the benchmark exits. */
export async function startGenerator(): Promise<Generator> {
  const child = fork(join(import.meta.dirname, 'load-generator.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  killOnExit(child)
  const waiting: Array<(r: GeneratorReport) => boolean> = []
  child.on('message', (r: GeneratorReport) => {
    const i = waiting.findIndex((w) => w(r))
    if (i >= 0) waiting.splice(i, 1)
  })
  const g: Generator = {
    child,
    send: (cmd) => child.send(cmd),
    next: (type) =>
      new Promise((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`load generator exited with ${code}`))
        child.once('exit', exited)
        waiting.push((r) => {
          if (r.type !== type) return false
          child.off('exit', exited)
          resolve(r as never)
          return true
        })
      }),
  }
  await g.next('ready')
  return g
}

/** Connects `count` stations per generator, each from its own loopback address. */
export async function connectAll(
  gens: Generator[],
  opts: { baseUrls: string[]; prefix: string; count: number; firstAddress: number; concurrency?: number },
): Promise<{ connected: number; failed: number; seconds: number; firstError?: string }> {
  const started = performance.now()
  const done = gens.map((g) => g.next('connected'))
  for (const [i, g] of gens.entries()) {
    g.send({
      type: 'connect',
      baseUrls: opts.baseUrls,
      prefix: `${opts.prefix}-g${i}`,
      count: opts.count,
      localAddress: `127.0.0.${opts.firstAddress + i}`,
      concurrency: opts.concurrency ?? 100,
    })
  }
  const reports = await Promise.all(done)
  const firstError = reports.find((r) => r.firstError)?.firstError
  return {
    connected: reports.reduce((n, r) => n + r.connected, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    seconds: (performance.now() - started) / 1000,
    ...(firstError ? { firstError } : {}),
  }
}

export type LoadResult = {
  calls: number
  errors: number
  perSecond: number
  p50: number
  p99: number
  max: number
}

/** Runs a closed or open loop on every generator at once and merges the latencies. */
export async function runLoad(
  gens: Generator[],
  cmd: Extract<GeneratorCommand, { type: 'closedLoop' | 'openLoop' }>,
): Promise<LoadResult> {
  const done = gens.map((g) => g.next('result'))
  for (const g of gens) g.send(cmd)
  const results = await Promise.all(done)
  const all = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b)
  const calls = results.reduce((n, r) => n + r.calls, 0)
  return {
    calls,
    errors: results.reduce((n, r) => n + r.errors, 0),
    perSecond: calls / (cmd.durationMs / 1000),
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    max: all.at(-1) ?? Number.NaN,
  }
}

export async function stopGenerators(gens: Generator[]): Promise<void> {
  await Promise.all(
    gens.map(
      (g) =>
        new Promise<void>((resolve) => {
          if (g.child.exitCode !== null) return resolve()
          g.child.once('exit', () => resolve())
          g.send({ type: 'exit' })
        }),
    ),
  )
}
