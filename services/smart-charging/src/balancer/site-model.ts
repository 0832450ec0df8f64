import { allocate, type EvseAllocation, type EvseDemand } from '../domain/allocate.js'
import { isDeadlineFeasible } from '../domain/deadline.js'
import type { Electrical } from '../domain/electrical.js'
import type { GridNode } from '../domain/grid-tree.js'
import { effectiveLimit, type LimitValue, type NodeLimits, nextLimitChange } from '../domain/node-limits.js'
import { type PriorityRuleLike, resolvePriority } from '../domain/priority-rules.js'
import { isOpen, nextBoundary, openTimeMs } from '../domain/time-windows.js'
import { planTransition, type TransitionPlan } from '../domain/transition-plan.js'

// A site as the balancer holds it in memory: its tree of nodes and the EVSEs with an active
// transaction. Everything here is pure, so the runtime and the simulated day run the same code.

export type NodeConfig = {
  id: string
  parentId: string | null
  limits: NodeLimits
  firmLimitW?: number | undefined
  firmLimitA?: number | undefined
}

export type EnergyNeedState = {
  /** Wh the EV asked for when it reported its needs. */
  requestedWh: number
  /** The session's energy register (Wh) at that moment. */
  baselineWh: number
  departureAt: number
  /** Admitted against the firm capacity: served before anything else. */
  feasible: boolean
}

export type ProfileState = 'none' | 'accepted' | 'pending' | 'failed'

export type EvseState = {
  key: string
  stationId: string
  evseId: number
  transactionId: string
  nodeId: string
  idToken: string | null
  groupIdToken: string | null
  since: number
  electrical: Electrical
  maxW: number
  minW: number
  /** The EV draws nothing (SuspendedEV). */
  idle: boolean
  need: EnergyNeedState | undefined
  energyWh: number
  measuredW: number | null
  measuredAt: number | null
  /** The most the station may draw now: the acknowledged limit (or, in flight, the higher one). */
  boundW: number
  profile: ProfileState
  appliedW: number | null
  appliedA: number | null
  /** The station did not take its last profile: held at `boundW` until then, then retried. */
  pinnedUntil: number | undefined
  allocation: EvseAllocation | undefined
}

export type SiteModel = {
  siteId: string
  nodes: Map<string, NodeConfig>
  evses: Map<string, EvseState>
  rules: readonly PriorityRuleLike[]
}

export type PlanOptions = {
  /** Known limit drops are applied this long before they start (profiles need time to land). */
  leadMs: number
  /** Deadlines aim to finish this long before departure. */
  deadlineMarginMs: number
  /** Raises smaller than this are not worth a message. */
  minRaiseW: number
}

export type SitePlan = {
  allocations: Map<string, EvseAllocation>
  plan: TransitionPlan
  limits: Map<string, LimitValue>
  demands: EvseDemand[]
}

/** The node a station-wide external limit (NotifyChargingLimit without EVSE) adds above its EVSEs. */
export const stationNodeId = (stationId: string) => `station:${stationId}`

export function remainingWh(e: EvseState): number {
  if (!e.need) return 0
  return Math.max(0, e.need.requestedWh - Math.max(0, e.energyWh - e.need.baselineWh))
}

/** The average power still needed to meet the deadline, counting only time the EVSE may charge. */
export function requiredW(e: EvseState, model: SiteModel, now: number, marginMs: number): number {
  if (!e.need) return 0
  const left = remainingWh(e)
  if (left <= 0) return 0
  const windows = ruleOf(model, e).windows
  const end = e.need.departureAt - marginMs
  const open = windows ? openTimeMs(windows, now, end) : end - now
  return open <= 0 ? Number.POSITIVE_INFINITY : (left * 3_600_000) / open
}

export function gridNodes(model: SiteModel, now: number, leadMs: number): GridNode[] {
  return [...model.nodes.values()].map((n) => {
    const l = effectiveLimit(n.limits, now, leadMs)
    return { id: n.id, parentId: n.parentId, limitW: l.limitW, limitA: l.limitA }
  })
}

/** Each EVSE's rule, resolved once per set of rules (a recomputation touches thousands). */
const resolved = new WeakMap<
  EvseState,
  { rules: SiteModel['rules']; groupIdToken: string | null; rule: ReturnType<typeof resolvePriority> }
>()
function ruleOf(model: SiteModel, e: EvseState) {
  const hit = resolved.get(e)
  if (hit && hit.rules === model.rules && hit.groupIdToken === e.groupIdToken) return hit.rule
  const rule = resolvePriority(model.rules, e)
  resolved.set(e, { rules: model.rules, groupIdToken: e.groupIdToken, rule })
  return rule
}

export function demandsOf(model: SiteModel, now: number, o: PlanOptions): EvseDemand[] {
  const open = new Map<string, boolean>()
  return [...model.evses.values()].map((e) => {
    const rule = ruleOf(model, e)
    let eligible = true
    if (rule.windows !== undefined && rule.ruleId !== null) {
      let openNow = open.get(rule.ruleId)
      if (openNow === undefined) {
        openNow = isOpen(rule.windows, now)
        open.set(rule.ruleId, openNow)
      }
      eligible = openNow
    }
    const pinned = e.pinnedUntil !== undefined && e.pinnedUntil > now
    const stationNode = stationNodeId(e.stationId)
    const d: EvseDemand = {
      key: e.key,
      nodeId: model.nodes.has(stationNode) ? stationNode : e.nodeId,
      electrical: e.electrical,
      minW: e.minW,
      maxW: e.maxW,
      priority: rule.priority,
      eligible,
      idle: e.idle,
      since: e.since,
    }
    if (e.need?.feasible) {
      const r = requiredW(e, model, now, o.deadlineMarginMs)
      if (r > 0) d.requiredW = Math.min(r, e.maxW)
    }
    if (pinned) d.pinnedW = e.boundW
    return d
  })
}

export function planSite(model: SiteModel, now: number, o: PlanOptions): SitePlan {
  const nodes = gridNodes(model, now, o.leadMs)
  const demands = demandsOf(model, now, o)
  const allocations = allocate(nodes, demands)
  const targets = [...model.evses.values()]
    .filter((e) => !(e.pinnedUntil !== undefined && e.pinnedUntil > now))
    .map((e) => ({ key: e.key, boundW: e.boundW, targetW: allocations.get(e.key)?.watts ?? 0 }))
  const limits = new Map(nodes.map((n) => [n.id, { limitW: n.limitW, limitA: n.limitA }]))
  return { allocations, plan: planTransition(targets, { minRaiseW: o.minRaiseW }), limits, demands }
}

/** Whether an EV's deadline can be promised (see `isDeadlineFeasible`). */
export function admitDeadline(model: SiteModel, key: string, now: number, o: PlanOptions): boolean {
  const candidate = model.evses.get(key)
  if (!candidate?.need) return false
  const firm: GridNode[] = [...model.nodes.values()].map((n) => ({
    id: n.id,
    parentId: n.parentId,
    limitW: n.firmLimitW ?? n.limits.limitW,
    limitA: n.firmLimitA ?? n.limits.limitA,
  }))
  const accepted = [...model.evses.values()]
    .filter((e) => e.key !== key && e.need?.feasible && remainingWh(e) > 0)
    .map((e) => ({ ...e, requiredW: requiredW(e, model, now, o.deadlineMarginMs) }))
  return isDeadlineFeasible(firm, accepted, {
    ...candidate,
    requiredW: requiredW(candidate, model, now, o.deadlineMarginMs),
  })
}

/** The next instant something changes without an event: a limit, a charging window, a retry. */
export function nextWake(model: SiteModel, now: number, o: PlanOptions): number | undefined {
  let next: number | undefined
  const consider = (t: number | undefined) => {
    if (t !== undefined && t > now && (next === undefined || t < next)) next = t
  }
  for (const n of model.nodes.values()) consider(nextLimitChange(n.limits, now, o.leadMs))
  const windows = new Set(model.rules.flatMap((r) => r.windows ?? []))
  consider(nextBoundary([...windows], now))
  for (const e of model.evses.values()) consider(e.pinnedUntil)
  return next
}
