import type { EvseDemand } from './allocate.js'
import { amperesPerWatt, buildCapacity, consume, type GridNode, headroomW, pathOf } from './grid-tree.js'

/** What a deadline holds of its nodes' firm capacity: its need, or its minimum when that is more. */
export function reservationW(d: Pick<EvseDemand, 'minW' | 'maxW'>, requiredW: number): number {
  return Math.min(d.maxW, Math.max(requiredW, d.minW))
}

/**
 * Admission of a deadline: feasible when the EV can take the power at all and every node on its
 * path can carry the reservations already accepted plus this one within its firm capacity (the
 * least the grid operator guarantees). The allocator serves accepted deadlines first, so an
 * accepted EV gets at least its average power as long as the firm capacity holds.
 */
export function isDeadlineFeasible(
  firmNodes: readonly GridNode[],
  accepted: ReadonlyArray<
    Pick<EvseDemand, 'nodeId' | 'electrical' | 'minW' | 'maxW'> & { requiredW: number }
  >,
  candidate: Pick<EvseDemand, 'nodeId' | 'electrical' | 'minW' | 'maxW'> & { requiredW: number },
): boolean {
  if (!Number.isFinite(candidate.requiredW) || candidate.requiredW > candidate.maxW) return false
  const cap = buildCapacity(firmNodes)
  for (const a of accepted) {
    consume(cap, pathOf(cap, a.nodeId), amperesPerWatt(a.electrical), reservationW(a, a.requiredW))
  }
  const path = pathOf(cap, candidate.nodeId)
  if (path.length === 0) return false
  return (
    headroomW(cap, path, amperesPerWatt(candidate.electrical)) >=
    reservationW(candidate, candidate.requiredW) - 1e-6
  )
}
