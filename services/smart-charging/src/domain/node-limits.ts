import { type DailyWindow, occurrences } from './time-windows.js'

export type LimitValue = {
  /** Active power (W). */
  limitW?: number | undefined
  /** Current per phase (A). */
  limitA?: number | undefined
}

/** A limit from a DSO signal: from an instant, until an instant or until replaced. */
export type ScheduledLimit = LimitValue & { from: number; to?: number | undefined }

/** A limit that applies in a recurring daily window (time of use). */
export type TimeOfUseLimit = LimitValue & DailyWindow

export type NodeLimits = LimitValue & {
  schedule?: readonly ScheduledLimit[] | undefined
  timeOfUse?: readonly TimeOfUseLimit[] | undefined
}

const min = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b)

/**
 * The limit to allocate against at `now`: the lowest that applies at any instant of
 * [now, now + leadMs]. Looking ahead by the time profiles take to reach stations means a known
 * drop is complied with before it starts, not after.
 */
export function effectiveLimit(l: NodeLimits, now: number, leadMs: number): LimitValue {
  let limitW = l.limitW
  let limitA = l.limitA
  const until = now + leadMs
  for (const s of l.schedule ?? []) {
    if (s.from <= until && (s.to === undefined || s.to > now)) {
      limitW = min(limitW, s.limitW)
      limitA = min(limitA, s.limitA)
    }
  }
  for (const t of l.timeOfUse ?? []) {
    if (occurrences(t, now, until).length > 0) {
      limitW = min(limitW, t.limitW)
      limitA = min(limitA, t.limitA)
    }
  }
  return { limitW, limitA }
}

/** When `effectiveLimit` may next change: a lowering `leadMs` before it starts, a raise when one ends. */
export function nextLimitChange(l: NodeLimits, now: number, leadMs: number): number | undefined {
  let next: number | undefined
  const consider = (t: number | undefined) => {
    if (t !== undefined && t > now && (next === undefined || t < next)) next = t
  }
  for (const s of l.schedule ?? []) {
    consider(s.from - leadMs)
    consider(s.to)
  }
  for (const t of l.timeOfUse ?? []) {
    for (const [s, e] of occurrences(t, now, now + 2 * 86_400_000 + leadMs)) {
      consider(s - leadMs)
      consider(e)
    }
  }
  return next
}
