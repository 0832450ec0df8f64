import { AC_MIN_CURRENT_A, type Electrical, wattsToAmps } from './electrical.js'
import {
  amperesPerWatt,
  buildCapacity,
  type Capacity,
  consume,
  type GridNode,
  headroomW,
  pathOf,
} from './grid-tree.js'

/** One EVSE with an active transaction, as the allocator sees it. */
export type EvseDemand = {
  key: string
  nodeId: string
  electrical: Electrical
  /** Least power when charging at all (AC: 6 A per phase); 0 when any power will do. */
  minW: number
  /** What the EVSE and the EV can take. */
  maxW: number
  /** Higher first (OCPP chargingPriority runs -9..9). */
  priority: number
  /** Charging allowed now: inside its charging window. Ineligible EVSEs get 0. */
  eligible: boolean
  /** The EV draws nothing (SuspendedEV): held at its minimum so it can resume, no share beyond. */
  idle?: boolean | undefined
  /** An accepted deadline: the power still needed on average to finish by departure. */
  requiredW?: number | undefined
  /** Power the allocator cannot change (the station did not take its last profile). */
  pinnedW?: number | undefined
  /** Tie-break among equals: the earlier session first. */
  since: number
}

export type AllocationReason =
  | 'pinned'
  | 'ineligible'
  | 'no_capacity'
  | 'idle'
  | 'deadline'
  | 'minimum'
  | 'share'
  | 'unknown_node'

export type EvseAllocation = {
  watts: number
  /** AC: the per-phase current a TxProfile in A carries (watts = amps × V × phases). */
  amps: number | undefined
  reason: AllocationReason
}

const EPS = 1e-6

type Item = {
  d: EvseDemand
  path: number[]
  apw: [number, number, number]
  watts: number
  reason: AllocationReason
}

/**
 * Shares the capacity of a tree of nodes among EVSEs. Never exceeds any node's power or
 * per-phase current limit; an EVSE gets 0 or at least its minimum. In order:
 * 1. pinned consumption is booked first (it is drawn whatever we decide);
 * 2. accepted deadlines get the average power they still need (priority, then urgency);
 * 3. every other eligible EVSE gets its minimum, by priority, while capacity lasts;
 * 4. what is left is shared max-min fairly in watts, one priority class after the other,
 *    honouring the limit of every node on the way (hierarchical water-filling).
 */
export function allocate(
  nodes: readonly GridNode[],
  evses: readonly EvseDemand[],
): Map<string, EvseAllocation> {
  const cap = buildCapacity(nodes)
  const paths = new Map<string, number[]>()
  const items: Item[] = evses.map((d) => {
    let path = paths.get(d.nodeId)
    if (!path) {
      path = pathOf(cap, d.nodeId)
      paths.set(d.nodeId, path)
    }
    return { d, path, apw: amperesPerWatt(d.electrical), watts: 0, reason: 'no_capacity' }
  })

  for (const it of items) {
    if (it.d.pinnedW !== undefined) {
      it.watts = it.d.pinnedW
      it.reason = 'pinned'
      consume(cap, it.path, it.apw, it.d.pinnedW)
    } else if (it.path.length === 0) {
      it.reason = 'unknown_node'
    } else if (!it.d.eligible || it.d.maxW <= 0 || it.d.maxW < it.d.minW) {
      it.reason = 'ineligible'
    }
  }
  const open = items.filter((it) => it.reason === 'no_capacity')
  const grant = (it: Item, watts: number, reason: AllocationReason) => {
    consume(cap, it.path, it.apw, watts - it.watts)
    it.watts = watts
    it.reason = reason
  }

  // 2. Deadlines: their reservations were admitted against the node's firm capacity.
  const deadlines = open
    .filter((it) => (it.d.requiredW ?? 0) > 0 && !it.d.idle)
    .sort(
      (a, b) =>
        b.d.priority - a.d.priority ||
        (b.d.requiredW ?? 0) / b.d.maxW - (a.d.requiredW ?? 0) / a.d.maxW ||
        a.d.since - b.d.since,
    )
  for (const it of deadlines) {
    const want = Math.min(it.d.maxW, stepUp(Math.max(it.d.requiredW ?? 0, it.d.minW), it.d.electrical))
    const g = Math.min(want, headroomW(cap, it.path, it.apw))
    if (g >= it.d.minW - EPS && g > EPS) grant(it, Math.max(g, it.d.minW), 'deadline')
  }

  // 3. Minimums, by priority; an EVSE that does not fit is paused (0), never below its minimum.
  const waiting = open
    .filter((it) => it.watts === 0 && it.d.minW > 0)
    .sort(
      (a, b) =>
        b.d.priority - a.d.priority || (b.d.requiredW ?? 0) - (a.d.requiredW ?? 0) || a.d.since - b.d.since,
    )
  for (const it of waiting) {
    if (headroomW(cap, it.path, it.apw) >= it.d.minW - EPS)
      grant(it, it.d.minW, it.d.idle ? 'idle' : 'minimum')
  }

  // 4. Shares, one priority class at a time.
  const sharing = open.filter((it) => !it.d.idle && (it.watts > 0 || it.d.minW === 0) && it.watts < it.d.maxW)
  const classes = [...new Set(sharing.map((it) => it.d.priority))].sort((a, b) => b - a)
  for (const priority of classes)
    waterFill(
      cap,
      sharing.filter((it) => it.d.priority === priority),
    )

  const out = new Map<string, EvseAllocation>()
  for (const it of items) out.set(it.d.key, quantize(it))
  return out
}

/**
 * Raises every member to a common level λ (never below what it already has, never above its
 * maximum): progressive filling. Nodes are solved bottom-up with the levels of the nodes below
 * already applied. A node carries up to four constraints (power, and current on each phase);
 * the one that saturates first freezes its members at that level, the others go on rising, up
 * to four rounds. For nested limits this is the max-min fair allocation.
 */
function waterFill(cap: Capacity, members: Item[]): void {
  if (members.length === 0) return
  const n = members.length
  const base = new Float64Array(n)
  const level = new Float64Array(n)
  const under = new Map<number, number[]>()
  members.forEach((it, i) => {
    base[i] = it.watts
    level[i] = it.d.maxW
    for (const node of it.path) {
      let list = under.get(node)
      if (!list) {
        list = []
        under.set(node, list)
      }
      list.push(i)
    }
  })
  const nodes = [...under.keys()].sort((a, b) => (cap.depth[b] as number) - (cap.depth[a] as number))
  for (const node of nodes) {
    const list = under.get(node) as number[]
    // Constraint k: 0 = power (weight 1), 1-3 = current on L1-L3 (amperes per watt).
    const capacities = [
      cap.capW[node] as number,
      cap.capA[node * 3] as number,
      cap.capA[node * 3 + 1] as number,
      cap.capA[node * 3 + 2] as number,
    ]
    const weight = (i: number, k: number) => (k === 0 ? 1 : ((members[i] as Item).apw[k - 1] as number))
    const frozen = new Map<number, number>()
    // Members that load all three phases alike (3-phase, DC, or wiring unknown) make the three
    // phase constraints one: solved once.
    const symmetric =
      capacities[1] === capacities[2] &&
      capacities[2] === capacities[3] &&
      list.every((i) => {
        const apw = (members[i] as Item).apw
        return apw[0] === apw[1] && apw[1] === apw[2]
      })
    // A constraint that holds even if every member reaches its top can never bind: skipped.
    const open = (symmetric ? [0, 1] : [0, 1, 2, 3]).filter((k) => {
      const capacity = capacities[k] as number
      if (capacity === Number.POSITIVE_INFINITY) return false
      let most = 0
      for (const i of list) most += Math.max(0, (level[i] as number) - (base[i] as number)) * weight(i, k)
      return most > capacity
    })
    for (let round = 0; round < 4 && open.length > 0; round++) {
      // The breakpoints are the same for every constraint of the round: sorted once.
      const events = sortedEvents(list, base, (i) =>
        Math.min(level[i] as number, frozen.get(i) ?? Number.POSITIVE_INFINITY),
      )
      let best = Number.POSITIVE_INFINITY
      let bestK = -1
      for (const k of open) {
        const lambda = saturation(events, (i) => weight(i, k), capacities[k] as number)
        if (lambda < best) {
          best = lambda
          bestK = k
        }
      }
      if (bestK < 0) break
      for (const i of list) if (weight(i, bestK) > 0 && !frozen.has(i)) frozen.set(i, best)
      open.splice(open.indexOf(bestK), 1)
    }
    for (const [i, lambda] of frozen)
      level[i] = Math.min(level[i] as number, Math.max(lambda, base[i] as number))
  }
  members.forEach((it, i) => {
    const w = Math.max(base[i] as number, level[i] as number)
    if (w > it.watts + EPS) {
      consume(cap, it.path, it.apw, w - it.watts)
      it.watts = w
      it.reason = 'share'
    }
  })
}

type Events = { at: Float64Array; member: Int32Array; rising: Uint8Array; count: number }

/** Where members start rising (their base) and stop (their top), in order. */
function sortedEvents(list: readonly number[], base: Float64Array, top: (i: number) => number): Events {
  const at = new Float64Array(list.length * 2)
  const member = new Int32Array(list.length * 2)
  const rising = new Uint8Array(list.length * 2)
  let count = 0
  for (const i of list) {
    const b = base[i] as number
    const t = top(i)
    if (t <= b) continue
    at[count] = b
    member[count] = i
    rising[count++] = 1
    at[count] = t
    member[count] = i
    rising[count++] = 0
  }
  const order = new Int32Array(count)
  for (let k = 0; k < count; k++) order[k] = k
  order.sort((x, y) => (at[x] as number) - (at[y] as number))
  const sorted: Events = {
    at: new Float64Array(count),
    member: new Int32Array(count),
    rising: new Uint8Array(count),
    count,
  }
  for (let k = 0; k < count; k++) {
    const o = order[k] as number
    sorted.at[k] = at[o] as number
    sorted.member[k] = member[o] as number
    sorted.rising[k] = rising[o] as number
  }
  return sorted
}

/**
 * The highest λ at which Σ weight·(min(λ, top) − base)⁺ over the members stays within
 * `capacity` (+∞ when it always does). The sum is piecewise linear in λ: solved exactly by a
 * sweep over the sorted breakpoints.
 */
function saturation(events: Events, weight: (i: number) => number, capacity: number): number {
  if (capacity <= 0) return 0
  let slope = 0
  let used = 0
  let at = 0
  for (let k = 0; k < events.count; k++) {
    const w = weight(events.member[k] as number)
    if (w <= 0) continue
    const x = events.at[k] as number
    const step = slope * (x - at)
    if (used + step > capacity) return at + (capacity - used) / slope
    used += step
    at = x
    slope += events.rising[k] === 1 ? w : -w
  }
  return Number.POSITIVE_INFINITY
}

/** Rounds down to what a profile can carry: 0.1 A per phase for AC, whole watts for DC. */
function quantize(it: Item): EvseAllocation {
  const e = it.d.electrical
  if (it.reason === 'pinned') return { watts: it.watts, amps: undefined, reason: it.reason }
  if (e.current === 'DC') {
    const watts = it.watts <= EPS ? 0 : Math.floor(it.watts + EPS)
    return { watts, amps: undefined, reason: it.reason }
  }
  const least = minAmps(it.d)
  let amps = it.watts <= EPS ? 0 : wattsToAmps(it.watts, e)
  // Below the AC minimum an EV cannot charge: 0 then. Exactly the minimum may round a hair low.
  if (amps < least) amps = it.watts >= it.d.minW - EPS && it.d.minW > 0 ? least : 0
  return { watts: amps * e.voltage * e.phases, amps, reason: amps === 0 ? pausedReason(it) : it.reason }
}

function pausedReason(it: Item): AllocationReason {
  return it.reason === 'share' || it.reason === 'minimum' ? 'no_capacity' : it.reason
}

/** Up to the next value a profile can carry, so rounding down later keeps a deadline whole. */
function stepUp(watts: number, e: Electrical): number {
  if (e.current === 'DC') return Math.ceil(watts)
  const perTenth = (e.voltage * e.phases) / 10
  return Math.ceil(watts / perTenth - 1e-9) * perTenth
}

function minAmps(d: EvseDemand): number {
  const e = d.electrical
  return d.minW > 0 ? Math.round((d.minW / (e.voltage * e.phases)) * 10) / 10 : AC_MIN_CURRENT_A
}
