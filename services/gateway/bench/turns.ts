import { connectAll, type Generator, runLoad, startGenerator, stopGenerators } from './generators.js'
import { cpuSeconds, loadAverage } from './proc-stats.js'
import type { Server } from './servers.js'

/** µs of the server's CPU per CALL in each round, by server name. */
export type Turns = Record<string, number[]>

/**
 * The closed loop (100 stations back to back) on each server in turn, round after round, with
 * `stations` connected to each (spread over generators of at most 9,500 sockets). Taking turns
 * is what makes two servers comparable here: on a shared VM the speed of a core moves by a
 * quarter within an hour, which one run per server minutes apart cannot tell from the servers'
 * own difference.
 */
export async function takeTurns(
  servers: Record<string, Server>,
  opts: { stations: number; rounds: number; roundMs: number; say: (line: string) => void },
): Promise<Turns> {
  const gens: Record<string, Generator[]> = {}
  const perCall: Turns = {}
  try {
    let address = 2
    for (const [name, server] of Object.entries(servers)) {
      const count = Math.ceil(opts.stations / 9_500)
      gens[name] = await Promise.all(Array.from({ length: count }, () => startGenerator()))
      perCall[name] = []
      const c = await connectAll(gens[name], {
        baseUrls: [`ws://127.0.0.1:${server.port}/ocpp/`],
        prefix: name.replace(/[^A-Za-z0-9-]/g, '-'),
        count: Math.ceil(opts.stations / count),
        firstAddress: address,
      })
      address += count
      if (c.failed > 0) opts.say(`- ${name}: ${c.failed} stations failed to connect (${c.firstError})`)
      await runLoad(gens[name].slice(0, 1), { type: 'closedLoop', stations: 100, durationMs: 3_000 })
    }
    for (let round = 0; round < opts.rounds; round++) {
      const line: string[] = []
      for (const [name, server] of Object.entries(servers)) {
        const cpu0 = cpuSeconds(server.pid)
        const r = await runLoad((gens[name] as Generator[]).slice(0, 1), {
          type: 'closedLoop',
          stations: 100,
          durationMs: opts.roundMs,
        })
        if (r.calls === 0) throw new Error(`${name}: no CALL answered in round ${round + 1}`)
        const us = ((cpuSeconds(server.pid) - cpu0) / r.calls) * 1e6
        perCall[name]?.push(us)
        line.push(`${name} ${us.toFixed(1)} µs (${r.perSecond.toFixed(0)}/s, errors ${r.errors})`)
      }
      opts.say(`- round ${round + 1}: ${line.join(', ')}; load average ${loadAverage()}`)
    }
    return perCall
  } finally {
    await stopGenerators(Object.values(gens).flat())
  }
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Round by round, a's CPU per CALL over b's (both measured in the same minute). */
export const ratios = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((x, i) => x / (b[i] as number))
