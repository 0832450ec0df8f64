// Converting between what a TxProfile says (A per phase for AC, W for DC) and the power and
// per-phase current a grid connection sees. One place, so the allocator, the profiles it sends
// and the composite schedules it checks agree on the arithmetic.

export const PHASES = [1, 2, 3] as const
export type Phase = (typeof PHASES)[number]
export type CurrentType = 'AC' | 'DC'

/** IEC 61851-1: an AC EV cannot charge below 6 A per phase. */
export const AC_MIN_CURRENT_A = 6

export type Electrical = {
  current: CurrentType
  /** AC phases the EV draws from (1-3); DC draws evenly from all three. */
  phases: 1 | 2 | 3
  /** Which grid phases a 1- or 2-phase AC EV loads, when known. */
  phaseSet?: readonly Phase[] | undefined
  voltage: number
}

/**
 * Grid phases an EVSE's current can flow on. A 1- or 2-phase EV whose wiring is unknown may be
 * on any phase, so its current counts on all three (its power still counts once).
 */
export function phasesLoaded(e: Electrical): readonly Phase[] {
  if (e.current === 'DC' || e.phases === 3) return PHASES
  if (e.phaseSet && e.phaseSet.length === e.phases) return e.phaseSet
  return PHASES
}

/** Whole tenths of an ampere, rounded down so the power never exceeds `watts`. */
export function wattsToAmps(watts: number, e: Pick<Electrical, 'phases' | 'voltage'>): number {
  return Math.floor((watts / (e.voltage * e.phases)) * 10 + 1e-9) / 10
}

/** Current each grid phase carries (A) when the EVSE draws `watts`. */
export function phaseCurrents(watts: number, e: Electrical): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0]
  if (e.current === 'DC') {
    const a = watts / (3 * e.voltage)
    return [a, a, a]
  }
  const a = watts / (e.voltage * e.phases)
  for (const p of phasesLoaded(e)) out[p - 1] = a
  return out
}
