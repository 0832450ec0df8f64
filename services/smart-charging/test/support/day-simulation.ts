import {
  type CycleReport,
  type ProfileSend,
  Rebalancer,
  type SendOutcome,
} from '../../src/balancer/rebalancer.js'
import {
  admitDeadline,
  type EvseState,
  type NodeConfig,
  type SiteModel,
} from '../../src/balancer/site-model.js'
import { AC_MIN_CURRENT_A, type Electrical, phaseCurrents } from '../../src/domain/electrical.js'
import { effectiveLimit, type NodeLimits } from '../../src/domain/node-limits.js'
import type { PriorityRuleLike } from '../../src/domain/priority-rules.js'
import { isOpen } from '../../src/domain/time-windows.js'
import { createRandom } from './prng.js'
import { VirtualClock } from './virtual-clock.js'

// A simulated day at one site: EVs arrive and leave at 200 EVSEs, stations apply the profiles
// they receive after a random delay (sometimes refusing, sometimes not answering), the grid
// limit drops and rises, and the real Rebalancer (site-model + allocator) runs on virtual time.
// An independent checker follows what every station may physically draw.

const H = 3_600_000
const V = 230

export type DayOptions = {
  seed: number
  evses: number
  /** Midnight (UTC) of the simulated day. */
  day: number
  /** Simulated hours [fromH, toH); default the whole day. */
  fromH?: number
  toH?: number
  /** How early known limit drops are applied; the default 30 s covers the stations' latency. */
  leadMs?: number
}

type Ev = {
  id: number
  electrical: Electrical
  maxW: number
  needWh: number
  departureAt: number
  group: string | null
  reportsNeeds: boolean
}

type Evse = {
  key: string
  stationId: string
  evseId: number
  nodeId: string
  path: string[]
  current: 'AC' | 'DC'
  maxW: number
  ev:
    | (Ev & {
        txId: string
        energyWh: number
        powerW: number
        lastT: number
        done: boolean
        doneVersion: number
      })
    | undefined
  /** The limit the station applies now: A per phase for AC, W for DC; 0 = its TxDefaultProfile. */
  limit: number
  inFlight: { from: number; to: number } | undefined
}

export type DayReport = {
  sessions: number
  turnedAway: number
  profilesSent: number
  cycles: number
  deadlines: {
    reported: number
    feasible: number
    metFeasible: number
    missedFeasible: string[]
    metInfeasible: number
  }
  violations: string[]
  minimumViolations: string[]
  priorityViolations: string[]
  windowViolations: string[]
  immediateDropComplianceMs: number | undefined
  maxWorstOverLimitW: number
  peakWorstW: number
  energyWh: number
}

/** The node tree: site S (grid connection) with groups A and B, and B1 inside B. */
function siteNodes(): NodeConfig[] {
  return [
    {
      id: 'S',
      parentId: null,
      limits: {
        limitW: 800_000,
        limitA: 1_250,
        timeOfUse: [{ days: [1, 2, 3, 4, 5], start: '17:00', end: '19:00', limitW: 450_000 }],
      },
      firmLimitW: 400_000,
      firmLimitA: 600,
    },
    { id: 'A', parentId: 'S', limits: { limitW: 480_000 }, firmLimitW: 240_000 },
    { id: 'B', parentId: 'S', limits: { limitW: 360_000 }, firmLimitW: 180_000 },
    { id: 'B1', parentId: 'B', limits: { limitA: 320 }, firmLimitA: 160 },
  ]
}

const RULES: PriorityRuleLike[] = [
  { id: 'premium', match: 'group', value: 'premium', priority: 5 },
  { id: 'fleet', match: 'group', value: 'fleet', priority: 2, windows: [{ start: '20:00', end: '07:00' }] },
  { id: 'visitor', match: 'group', value: 'visitor', priority: -1 },
]

export async function simulateDay(o: DayOptions): Promise<DayReport> {
  const random = createRandom(o.seed)
  const start = o.day
  const end = start + (o.toH ?? 24) * H
  const clock = new VirtualClock(start + (o.fromH ?? 0) * H)
  const leadMs = o.leadMs ?? 30_000
  const nodes = siteNodes()
  const model: SiteModel = {
    siteId: 'S',
    nodes: new Map(nodes.map((n) => [n.id, n])),
    evses: new Map(),
    rules: RULES,
  }
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]))
  const pathOf = (id: string) => {
    const out: string[] = []
    for (let n: string | null | undefined = id; n; n = parentOf.get(n)) out.push(n)
    return out
  }

  // 200 EVSEs on 100 two-EVSE stations: A has 100 AC + 20 DC, B has 40 AC plus 40 AC in B1.
  const evses: Evse[] = []
  for (let i = 0; i < o.evses; i++) {
    const nodeId = i < 120 ? 'A' : i < 160 ? 'B' : 'B1'
    const dc = i >= 100 && i < 120
    evses.push({
      key: `CS-${String(Math.floor(i / 2)).padStart(3, '0')}/${(i % 2) + 1}`,
      stationId: `CS-${String(Math.floor(i / 2)).padStart(3, '0')}`,
      evseId: (i % 2) + 1,
      nodeId,
      path: pathOf(nodeId),
      current: dc ? 'DC' : 'AC',
      maxW: dc ? 50_000 : 32 * V * 3,
      ev: undefined,
      limit: 0,
      inFlight: undefined,
    })
  }
  const byKey = new Map(evses.map((e) => [e.key, e]))

  const report: DayReport = {
    sessions: 0,
    turnedAway: 0,
    profilesSent: 0,
    cycles: 0,
    deadlines: { reported: 0, feasible: 0, metFeasible: 0, missedFeasible: [], metInfeasible: 0 },
    violations: [],
    minimumViolations: [],
    priorityViolations: [],
    windowViolations: [],
    immediateDropComplianceMs: undefined,
    maxWorstOverLimitW: 0,
    peakWorstW: 0,
    energyWh: 0,
  }
  const feasibleAtAdmission = new Map<string, { ev: number; feasible: boolean }>()

  // ----- the grid limit as the DSO imposes it (the truth the checker uses) -----
  const truth = new Map<string, NodeLimits>(nodes.map((n) => [n.id, structuredClone(n.limits)]))
  const limitAt = (id: string, t: number) => effectiveLimit(truth.get(id) as NodeLimits, t, 0)
  let drop: { at: number; oldW: number; newW: number } | undefined
  const dso = (at: number, fn: () => void) => {
    if (at >= clock.now && at < end) clock.at(at, fn)
  }
  const setSite = (fn: (l: NodeLimits) => NodeLimits, reason: string) => {
    const s = model.nodes.get('S') as NodeConfig
    s.limits = fn(s.limits)
    truth.set('S', fn(truth.get('S') as NodeLimits))
    rebalancer.trigger(model, reason)
    check()
  }
  // A drop announced 30 minutes ahead, 08:00-10:00.
  dso(start + 7.5 * H, () =>
    setSite(
      (l) => ({
        ...l,
        schedule: [...(l.schedule ?? []), { from: start + 8 * H, to: start + 10 * H, limitW: 420_000 }],
      }),
      'dso',
    ),
  )
  dso(start + 12 * H, () => setSite((l) => ({ ...l, limitW: 900_000 }), 'raise'))
  // An immediate drop with no notice: compliance takes one round of decreases.
  dso(start + 13 * H, () => {
    drop = { at: clock.now, oldW: 900_000, newW: 500_000 }
    setSite((l) => ({ ...l, limitW: 500_000 }), 'dso-now')
  })
  dso(start + 15 * H, () => setSite((l) => ({ ...l, limitW: 800_000 }), 'raise'))
  dso(start + 21 * H, () =>
    setSite(
      (l) => ({
        ...l,
        schedule: [
          ...(l.schedule ?? []),
          { from: start + 21 * H + 5 * 60_000, to: start + 23 * H, limitW: 400_000 },
        ],
      }),
      'dso',
    ),
  )

  // The checker also looks at the instants a limit starts, when nothing else happens then.
  for (const t of [8 * H, 17 * H, 21 * H + 5 * 60_000]) dso(start + t, () => check())

  // ----- stations: apply profiles after a delay, sometimes refuse or stay silent -----
  const send = (s: ProfileSend): Promise<SendOutcome> => {
    const reply = (ms: number, outcome: SendOutcome) => clock.delay(ms, outcome)
    report.profilesSent++
    const evse = byKey.get(s.evse.key) as Evse
    if (evse.current === 'AC' && s.amps !== undefined && s.amps !== 0 && s.amps < AC_MIN_CURRENT_A) {
      report.minimumViolations.push(`${evse.key} sent ${s.amps} A`)
    }
    const latency = random.between(50, 1_500)
    const roll = random.next()
    const sameTx = () => evse.ev?.txId === s.evse.transactionId
    if (!sameTx() || roll < 0.005) return reply(latency, 'rejected')
    const silent = roll < 0.01
    const to = evse.current === 'AC' ? (s.amps ?? 0) : s.toW
    evse.inFlight = { from: evse.limit, to }
    check(evse)
    const applies = !silent || random.chance(0.5)
    clock.after(latency * random.between(0.2, 0.95), () => {
      if (applies && sameTx()) setLimit(evse, to)
    })
    return reply(silent ? 5_000 : latency, silent ? 'failed' : 'accepted').then((outcome) => {
      evse.inFlight = undefined
      check(evse)
      return outcome
    })
  }

  const rebalancer = new Rebalancer({
    now: () => clock.now,
    send,
    options: { leadMs, deadlineMarginMs: 10 * 60_000, minRaiseW: 1_000, retryMs: 30_000, concurrency: 64 },
    onCycle: (r) => inspectCycle(r),
    wakeAt: (_site, at, wake) => {
      const version = ++wakeVersion
      if (at !== undefined) clock.at(at, () => version === wakeVersion && wake())
    },
  })
  let wakeVersion = 0

  // ----- EV physics: power = min(station limit, EV maximum) until the EV has what it needs -----
  const advance = (e: Evse) => {
    const ev = e.ev
    if (!ev) return
    const wh = (ev.powerW * (clock.now - ev.lastT)) / H
    ev.energyWh += wh
    report.energyWh += wh
    ev.lastT = clock.now
  }
  const repower = (e: Evse) => {
    const ev = e.ev
    if (!ev) return
    advance(e)
    ev.powerW = ev.done ? 0 : Math.min(powerOf(e, e.limit), ev.maxW)
    ev.doneVersion++
    if (!ev.done && ev.powerW > 0) {
      const version = ev.doneVersion
      const ms = ((ev.needWh - ev.energyWh) * H) / ev.powerW
      clock.after(Math.max(0, ms), () => {
        if (e.ev !== ev || ev.doneVersion !== version) return
        advance(e)
        ev.done = true
        ev.powerW = 0
        clock.after(random.between(100, 800), () => {
          const m = model.evses.get(e.key)
          if (m && m.transactionId === ev.txId) {
            m.idle = true
            m.energyWh = ev.energyWh
            rebalancer.trigger(model, 'idle')
          }
        })
      })
    }
  }
  const setLimit = (e: Evse, limit: number) => {
    e.limit = limit
    repower(e)
    check(e)
  }
  /** The power a limit lets the EV draw: an A limit is per phase, on the phases the EV uses. */
  function powerOf(e: Evse, limit: number): number {
    if (e.current === 'DC' || !e.ev) return limit
    return limit * V * e.ev.electrical.phases
  }

  // ----- arrivals -----
  const arrivalRate = (t: number) => {
    const h = ((t - start) / H) % 24
    return (h >= 7 && h < 10) || (h >= 16 && h < 19) ? 70 : h >= 22 || h < 6 ? 10 : 30
  }
  let evCount = 0
  const scheduleArrival = (t: number) => {
    const next = t + random.exponential(arrivalRate(t)) * H
    if (next < end) clock.at(next, () => arrive())
  }
  const arrive = () => {
    scheduleArrival(clock.now)
    const free = evses.filter((e) => !e.ev)
    if (free.length === 0) {
      report.turnedAway++
      return
    }
    const e = random.pick(free)
    const id = evCount++
    const roll = random.next()
    const electrical: Electrical =
      e.current === 'DC'
        ? { current: 'DC', phases: 3, voltage: V }
        : roll < 0.15
          ? { current: 'AC', phases: 1, phaseSet: [random.pick([1, 2, 3] as const)], voltage: V }
          : { current: 'AC', phases: 3, voltage: V }
    const maxW =
      e.current === 'DC' ? 50_000 : electrical.phases === 1 ? 32 * V : roll < 0.4 ? 16 * V * 3 : 32 * V * 3
    const g = random.next()
    const group = g < 0.1 ? 'premium' : g < 0.25 ? 'fleet' : g < 0.4 ? 'visitor' : null
    const dwell = random.between(0.5, 9) * H
    const ev: Ev = {
      id,
      electrical,
      maxW,
      needWh: random.between(5_000, 50_000),
      departureAt: clock.now + dwell,
      group,
      reportsNeeds: random.chance(0.5),
    }
    const txId = `tx-${id}`
    e.ev = { ...ev, txId, energyWh: 0, powerW: 0, lastT: clock.now, done: false, doneVersion: 0 }
    e.limit = 0 // the station's TxDefaultProfile (0 A) holds the new session
    report.sessions++
    check(e)
    // The transaction service's Started fact reaches the balancer a little later.
    clock.after(random.between(100, 800), () => {
      if (e.ev?.txId !== txId) return
      const m: EvseState = {
        key: e.key,
        stationId: e.stationId,
        evseId: e.evseId,
        transactionId: txId,
        nodeId: e.nodeId,
        idToken: `tok-${id}`,
        groupIdToken: group,
        since: clock.now,
        electrical:
          e.current === 'DC'
            ? { current: 'DC', phases: 3, voltage: V }
            : { current: 'AC', phases: 3, voltage: V },
        maxW: e.maxW,
        minW: e.current === 'DC' ? 0 : AC_MIN_CURRENT_A * V * 3,
        idle: false,
        need: undefined,
        energyWh: 0,
        measuredW: null,
        measuredAt: null,
        boundW: 0,
        profile: 'none',
        appliedW: null,
        appliedA: null,
        pinnedUntil: undefined,
        allocation: undefined,
      }
      model.evses.set(e.key, m)
      rebalancer.trigger(model, 'started')
    })
    if (ev.reportsNeeds) {
      // ISO 15118: NotifyEVChargingNeeds with the energy and the departure time.
      clock.after(random.between(1_000, 3_000), () => {
        const m = model.evses.get(e.key)
        if (!m || m.transactionId !== txId || !e.ev) return
        report.deadlines.reported++
        m.electrical =
          ev.electrical.current === 'DC'
            ? m.electrical
            : { current: 'AC', phases: ev.electrical.phases, voltage: V }
        m.maxW = Math.min(e.maxW, ev.maxW)
        m.minW = ev.electrical.current === 'DC' ? 0 : AC_MIN_CURRENT_A * V * ev.electrical.phases
        m.energyWh = e.ev.energyWh
        m.need = {
          requestedWh: ev.needWh - e.ev.energyWh,
          baselineWh: m.energyWh,
          departureAt: ev.departureAt,
          feasible: false,
        }
        m.need.feasible = admitDeadline(model, e.key, clock.now, rebalancer_options)
        feasibleAtAdmission.set(e.key, { ev: id, feasible: m.need.feasible })
        if (m.need.feasible) report.deadlines.feasible++
        rebalancer.trigger(model, 'needs')
      })
    }
    clock.at(ev.departureAt, () => depart(e, txId))
  }
  const rebalancer_options = { leadMs, deadlineMarginMs: 10 * 60_000, minRaiseW: 1_000 }

  const depart = (e: Evse, txId: string) => {
    const ev = e.ev
    if (!ev || ev.txId !== txId) return
    advance(e)
    const admitted = feasibleAtAdmission.get(e.key)
    if (admitted && admitted.ev === ev.id) {
      feasibleAtAdmission.delete(e.key)
      const met = ev.energyWh >= ev.needWh - 1
      if (admitted.feasible) {
        if (met) report.deadlines.metFeasible++
        else
          report.deadlines.missedFeasible.push(
            `ev ${ev.id} at ${e.key}: ${Math.round(ev.energyWh)} of ${Math.round(ev.needWh)} Wh`,
          )
      } else if (met) report.deadlines.metInfeasible++
    }
    e.ev = undefined
    e.limit = 0
    e.inFlight = undefined
    check(e)
    clock.after(random.between(100, 800), () => {
      const m = model.evses.get(e.key)
      if (m?.transactionId === txId) {
        model.evses.delete(e.key)
        rebalancer.trigger(model, 'ended')
      }
    })
  }

  // ----- what the balancer knows of energy: TransactionEvent Updated every minute -----
  const tick = () => {
    for (const e of evses) {
      const m = model.evses.get(e.key)
      if (e.ev && m && m.transactionId === e.ev.txId) {
        advance(e)
        m.energyWh = e.ev.energyWh
      }
    }
    rebalancer.trigger(model, 'tick')
    if (clock.now + 60_000 < end) clock.after(60_000, tick)
  }
  clock.after(60_000, tick)
  const dayStart = clock.now

  // ----- the checker: what every station may draw, in flight included -----
  // Kept incrementally: each EVSE's worst-case draw (power and current per phase) is summed
  // along its path whenever it changes, then every node is compared with the DSO's limit.
  const sums = new Map<string, [number, number, number, number]>(nodes.map((n) => [n.id, [0, 0, 0, 0]]))
  const contribution = new Map<string, [number, number, number, number]>()
  function worstLimit(e: Evse): number {
    if (!e.ev) return 0
    return e.inFlight ? Math.max(e.inFlight.from, e.inFlight.to, e.limit) : e.limit
  }
  function check(changed?: Evse): void {
    for (const e of changed ? [changed] : evses) {
      const limit = worstLimit(e)
      const w = limit === 0 || !e.ev ? 0 : powerOf(e, limit)
      const a = e.ev && w > 0 ? phaseCurrents(w, e.ev.electrical) : [0, 0, 0]
      const next: [number, number, number, number] = [w, a[0] as number, a[1] as number, a[2] as number]
      const prev = contribution.get(e.key) ?? [0, 0, 0, 0]
      contribution.set(e.key, next)
      for (const n of e.path) {
        const sum = sums.get(n) as [number, number, number, number]
        for (let k = 0; k < 4; k++) sum[k] = (sum[k] as number) + (next[k] as number) - (prev[k] as number)
      }
    }
    const site = sums.get('S') as [number, number, number, number]
    report.peakWorstW = Math.max(report.peakWorstW, site[0])
    for (const n of nodes) {
      let limit = limitAt(n.id, clock.now)
      const [w, ...amps] = sums.get(n.id) as [number, number, number, number]
      if (n.id === 'S' && drop) {
        if (report.immediateDropComplianceMs === undefined && w <= drop.newW + 1e-3) {
          report.immediateDropComplianceMs = clock.now - drop.at
        }
        if (report.immediateDropComplianceMs === undefined) limit = { ...limit, limitW: drop.oldW }
      }
      const over = w - (limit.limitW ?? Number.POSITIVE_INFINITY)
      if (over > 1e-3) {
        report.maxWorstOverLimitW = Math.max(report.maxWorstOverLimitW, over)
        if (report.violations.length < 20)
          report.violations.push(
            `${new Date(clock.now).toISOString()} ${n.id}: ${Math.round(w)} W > ${limit.limitW} W`,
          )
      }
      amps.forEach((a, p) => {
        if (a > (limit.limitA ?? Number.POSITIVE_INFINITY) + 1e-6 && report.violations.length < 20) {
          report.violations.push(
            `${new Date(clock.now).toISOString()} ${n.id} L${p + 1}: ${a.toFixed(1)} A > ${limit.limitA} A`,
          )
        }
      })
    }
  }

  function inspectCycle(r: CycleReport): void {
    report.cycles++
    const demands = new Map(r.plan.demands.map((d) => [d.key, d]))
    for (const [key, a] of r.plan.allocations) {
      const d = demands.get(key)
      const m = model.evses.get(key)
      if (!d || !m) continue
      if (!d.eligible && a.watts > 0 && d.pinnedW === undefined && report.windowViolations.length < 10) {
        report.windowViolations.push(`${key} allocated ${a.watts} W outside its charging window`)
      }
      const rule = RULES.find((x) => x.value === m.groupIdToken)
      if (
        rule?.windows &&
        !isOpen(rule.windows, clock.now) &&
        a.watts > 0 &&
        d.pinnedW === undefined &&
        report.windowViolations.length < 10
      ) {
        report.windowViolations.push(`${key} (${m.groupIdToken}) charges outside its window`)
      }
    }
    // Same node, same minimum, no deadline: a higher priority is never paused while a lower one charges.
    const lowestCharging = new Map<string, { priority: number; key: string }>()
    const plain = r.plan.demands.filter(
      (d) => d.eligible && !d.idle && d.pinnedW === undefined && !d.requiredW,
    )
    for (const d of plain) {
      if ((r.plan.allocations.get(d.key)?.watts ?? 0) <= 0) continue
      const k = `${d.nodeId}|${d.minW}`
      const seen = lowestCharging.get(k)
      if (!seen || d.priority < seen.priority) lowestCharging.set(k, { priority: d.priority, key: d.key })
    }
    for (const d of plain) {
      if ((r.plan.allocations.get(d.key)?.watts ?? 0) > 0) continue
      const lo = lowestCharging.get(`${d.nodeId}|${d.minW}`)
      if (lo && lo.priority < d.priority && report.priorityViolations.length < 10) {
        report.priorityViolations.push(
          `${d.key} (p${d.priority}) paused while ${lo.key} (p${lo.priority}) charges`,
        )
      }
    }
  }

  scheduleArrival(dayStart)
  await clock.runUntil(end)
  await rebalancer.idle()
  // EVs still plugged in when the simulation ends leave unjudged: their departure is later.
  for (const e of evses) {
    if (e.ev) feasibleAtAdmission.delete(e.key)
  }
  return report
}
