import type { CompositePeriod } from './composite-schedule.js'

export type ScheduleDifference = {
  /** Seconds from scheduleStart. */
  atS: number
  expected: number
  reported: number | undefined
}

/**
 * Compares the composite schedule the CSMS computed with the one a station reported, at every
 * instant where either changes. Where the CSMS knows of no limit it accepts whatever the
 * station reports (its own maximum). Differences within `tolerance` (rounding) are ignored.
 * With `upperBound` the computed schedule is only a cap: a station reporting less is right
 * (evseId 0: the station sums what its EVSEs may draw, which depends on its own defaults).
 */
export function compareSchedules(
  expected: readonly CompositePeriod[],
  reported: ReadonlyArray<{ startPeriod: number; limit?: number | undefined }>,
  opts: { durationS: number; tolerance: (expected: number) => number; upperBound?: boolean },
): ScheduleDifference[] {
  const at = (periods: ReadonlyArray<{ startPeriod: number; limit?: number | undefined }>, s: number) => {
    let value: number | undefined
    for (const p of periods) if (p.startPeriod <= s) value = p.limit
    return value
  }
  const instants = [...new Set([...expected, ...reported].map((p) => p.startPeriod))]
    .filter((s) => s >= 0 && s < Math.max(1, opts.durationS))
    .sort((a, b) => a - b)
  const out: ScheduleDifference[] = []
  for (const s of instants) {
    const want = at(expected, s)
    if (want === undefined) continue
    const got = at(reported, s)
    const off =
      got === undefined ? Number.POSITIVE_INFINITY : opts.upperBound ? got - want : Math.abs(got - want)
    if (off > opts.tolerance(want)) out.push({ atS: s, expected: want, reported: got })
  }
  return out
}
