import { performance } from 'node:perf_hooks'
import { type EvseState, type NodeConfig, planSite, type SiteModel } from '../src/balancer/site-model.js'
import type { PriorityRuleLike } from '../src/domain/priority-rules.js'
import { createRandom } from '../test/support/prng.js'

// One recomputation of a site tree with `evses` active EVSEs: the allocation (deadlines,
// minimums, hierarchical water-filling with per-phase limits) and the transition plan.

export type RecomputeResult = {
  evses: number
  nodes: number
  runs: number
  /** Wall-clock time: on a busy shared machine it includes waiting for a CPU. */
  medianMs: number
  p95Ms: number
  maxMs: number
  /** CPU time of this process per recomputation (user + system): what the work costs. */
  cpuMedianMs: number
  cpuP95Ms: number
}

export function buildSite(evses: number, seed: number): SiteModel {
  const random = createRandom(seed)
  const nodes: NodeConfig[] = [
    {
      id: 'site',
      parentId: null,
      limits: { limitW: evses * 7_000, limitA: evses * 10 },
      firmLimitW: evses * 3_000,
    },
  ]
  // 20 feeders, each with 5 sub-distribution boards: 121 nodes, three levels.
  for (let f = 0; f < 20; f++) {
    nodes.push({ id: `f${f}`, parentId: 'site', limits: { limitW: (evses / 20) * 9_000 } })
    for (let b = 0; b < 5; b++)
      nodes.push({ id: `f${f}b${b}`, parentId: `f${f}`, limits: { limitA: (evses / 100) * 14 } })
  }
  const rules: PriorityRuleLike[] = [
    { id: 'premium', match: 'group', value: 'premium', priority: 5 },
    { id: 'fleet', match: 'group', value: 'fleet', priority: 2, windows: [{ start: '00:00', end: '24:00' }] },
    { id: 'visitor', match: 'group', value: 'visitor', priority: -1 },
  ]
  const model: SiteModel = {
    siteId: 'site',
    nodes: new Map(nodes.map((n) => [n.id, n])),
    evses: new Map(),
    rules,
  }
  const now = Date.now()
  for (let i = 0; i < evses; i++) {
    const dc = random.chance(0.1)
    const phases = dc ? 3 : random.chance(0.15) ? 1 : 3
    const key = `CS-${i >> 1}/${(i & 1) + 1}`
    const e: EvseState = {
      key,
      stationId: `CS-${i >> 1}`,
      evseId: (i & 1) + 1,
      transactionId: `tx-${i}`,
      nodeId: `f${i % 20}b${Math.floor(i / 20) % 5}`,
      idToken: `tok-${i}`,
      groupIdToken: random.pick(['premium', 'fleet', 'visitor', null, null, null]),
      since: now - random.int(0, 3_600_000),
      electrical: dc
        ? { current: 'DC', phases: 3, voltage: 230 }
        : { current: 'AC', phases: phases as 1 | 3, voltage: 230 },
      maxW: dc ? 50_000 : 32 * 230 * phases,
      minW: dc ? 0 : 6 * 230 * phases,
      idle: random.chance(0.05),
      need: random.chance(0.3)
        ? {
            requestedWh: random.between(5_000, 30_000),
            baselineWh: 0,
            departureAt: now + random.between(2, 8) * 3_600_000,
            feasible: random.chance(0.6),
          }
        : undefined,
      energyWh: 0,
      measuredW: null,
      measuredAt: null,
      boundW: random.between(0, 22_000),
      profile: 'accepted',
      appliedW: null,
      appliedA: null,
      pinnedUntil: undefined,
      allocation: undefined,
    }
    model.evses.set(key, e)
  }
  return model
}

export function benchRecompute(evses: number, runs: number): RecomputeResult {
  const model = buildSite(evses, 42)
  const random = createRandom(7)
  const options = { leadMs: 30_000, deadlineMarginMs: 600_000, minRaiseW: 500 }
  for (let i = 0; i < 5; i++) planSite(model, Date.now(), options)
  const times: number[] = []
  const cpu: number[] = []
  const site = model.nodes.get('site') as NodeConfig
  for (let i = 0; i < runs; i++) {
    // Each run follows a change: the grid limit moves, which changes every share.
    site.limits = { ...site.limits, limitW: evses * random.between(4_000, 9_000) }
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const plan = planSite(model, Date.now(), options)
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
    for (const [key, a] of plan.allocations) {
      const e = model.evses.get(key)
      if (e) e.boundW = a.watts
    }
  }
  times.sort((a, b) => a - b)
  cpu.sort((a, b) => a - b)
  const at = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number
  return {
    evses,
    nodes: model.nodes.size,
    runs,
    medianMs: round(at(times, 0.5)),
    p95Ms: round(at(times, 0.95)),
    maxMs: round(times.at(-1) as number),
    cpuMedianMs: round(at(cpu, 0.5)),
    cpuP95Ms: round(at(cpu, 0.95)),
  }
}

const round = (x: number) => Math.round(x * 100) / 100
