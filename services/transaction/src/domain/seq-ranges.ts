// The seqNos of a transaction that were applied, as sorted, disjoint, inclusive ranges. A station
// sends them in order almost always, so a whole session is one range: [[0, 3600]]. Reordered
// or missing messages show as gaps until they arrive.
export type SeqRange = readonly [number, number]
export type SeqRanges = readonly SeqRange[]

export function hasSeq(ranges: SeqRanges, n: number): boolean {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [from, to] = ranges[mid] as SeqRange
    if (n < from) hi = mid - 1
    else if (n > to) lo = mid + 1
    else return true
  }
  return false
}

/** Adds `n`, merging with neighbours so adjacent ranges become one. */
export function addSeq(ranges: SeqRanges, n: number): SeqRanges {
  if (hasSeq(ranges, n)) return ranges
  const out: SeqRange[] = []
  let pending: SeqRange | null = [n, n]
  for (const range of ranges) {
    if (pending !== null && pending[0] < range[0]) {
      push(out, pending)
      pending = null
    }
    push(out, range)
  }
  if (pending !== null) push(out, pending)
  return out
}

/** Appends a range that starts at or after the last one, joining them when they touch. */
function push(out: SeqRange[], range: SeqRange): void {
  const last = out.at(-1)
  if (last !== undefined && range[0] <= last[1] + 1)
    out[out.length - 1] = [last[0], Math.max(last[1], range[1])]
  else out.push(range)
}

/** The seqNos missing between the lowest and the highest applied, at most `limit` of them. */
export function seqGaps(ranges: SeqRanges, limit = 100): number[] {
  const gaps: number[] = []
  for (let i = 1; i < ranges.length && gaps.length < limit; i++) {
    const before = ranges[i - 1] as SeqRange
    const after = ranges[i] as SeqRange
    for (let n = before[1] + 1; n < after[0] && gaps.length < limit; n++) gaps.push(n)
  }
  return gaps
}

export function maxSeq(ranges: SeqRanges): number | null {
  return ranges.at(-1)?.[1] ?? null
}
