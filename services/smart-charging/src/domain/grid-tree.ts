import { type Electrical, phaseCurrents } from './electrical.js'

/** A node of a site's tree: the site itself (the grid connection) or a group inside it. */
export type GridNode = {
  id: string
  parentId: string | null
  /** Active power the node may carry (W); absent = no limit at this node. */
  limitW?: number | undefined
  /** Current per phase (A); absent = no per-phase limit. */
  limitA?: number | undefined
}

/**
 * A tree flattened into arrays for the hot loops: residual capacity per node (W and A on each
 * phase) and each consumer's path from its node up to the root.
 */
export type Capacity = {
  index: Map<string, number>
  parent: Int32Array
  depth: Int32Array
  capW: Float64Array
  /** Three per node: L1, L2, L3. */
  capA: Float64Array
}

export function buildCapacity(nodes: readonly GridNode[]): Capacity {
  const index = new Map<string, number>()
  for (const [i, n] of nodes.entries()) index.set(n.id, i)
  const parent = new Int32Array(nodes.length).fill(-1)
  const capW = new Float64Array(nodes.length)
  const capA = new Float64Array(nodes.length * 3)
  nodes.forEach((n, i) => {
    parent[i] = n.parentId === null ? -1 : (index.get(n.parentId) ?? -1)
    capW[i] = n.limitW ?? Number.POSITIVE_INFINITY
    const a = n.limitA ?? Number.POSITIVE_INFINITY
    capA[i * 3] = a
    capA[i * 3 + 1] = a
    capA[i * 3 + 2] = a
  })
  const depth = new Int32Array(nodes.length).fill(-1)
  const depthOf = (i: number, guard: number): number => {
    if ((depth[i] as number) >= 0) return depth[i] as number
    const p = parent[i] as number
    // A cycle (bad data) is cut: the node is treated as a root.
    const d = p < 0 || guard > nodes.length ? 0 : depthOf(p, guard + 1) + 1
    depth[i] = d
    return d
  }
  for (let i = 0; i < nodes.length; i++) depthOf(i, 0)
  return { index, parent, depth, capW, capA }
}

/** Node indices from `nodeId` up to its root; empty when the node is unknown. */
export function pathOf(c: Capacity, nodeId: string): number[] {
  const out: number[] = []
  let i = c.index.get(nodeId) ?? -1
  while (i >= 0 && out.length <= c.parent.length) {
    out.push(i)
    i = c.parent[i] as number
  }
  return out
}

/** Per-phase current drawn per watt: the allocator works in watts and checks amperes linearly. */
export function amperesPerWatt(e: Electrical): [number, number, number] {
  return phaseCurrents(1, e)
}

/** Most extra power (W) a consumer could take at every node of its path. */
export function headroomW(c: Capacity, path: readonly number[], apw: readonly number[]): number {
  let h = Number.POSITIVE_INFINITY
  for (const n of path) {
    h = Math.min(h, c.capW[n] as number)
    for (let p = 0; p < 3; p++) {
      const k = apw[p] as number
      if (k > 0) h = Math.min(h, (c.capA[n * 3 + p] as number) / k)
    }
  }
  return h
}

/** Takes `watts` from every node of the path (negative gives it back). */
export function consume(c: Capacity, path: readonly number[], apw: readonly number[], watts: number): void {
  for (const n of path) {
    c.capW[n] = (c.capW[n] as number) - watts
    for (let p = 0; p < 3; p++) c.capA[n * 3 + p] = (c.capA[n * 3 + p] as number) - watts * (apw[p] as number)
  }
}
