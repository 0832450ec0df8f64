import type { Reading } from './readings.js'

// Energy of a session from its import register: the sum of the increases between consecutive
// readings (by time). meterStart is not 0, so the first reading is the baseline, never energy.
// A register that goes down was reset or replaced: that step is not billed and the new value
// becomes the baseline. A rise faster than any charger can deliver is a replaced meter too.

export type EnergyState = {
  firstAt: string | null
  firstWh: number | null
  lastAt: string | null
  lastWh: number | null
  importedWh: number
  /** Steps not billed: a register that went down, or jumped up implausibly. */
  resets: number
}

export const NO_ENERGY: EnergyState = {
  firstAt: null,
  firstWh: null,
  lastAt: null,
  lastWh: null,
  importedWh: 0,
  resets: 0,
}

/** 1 MW for at least a minute: more than any charger delivers, so a bigger step is a meter swap. */
const MAX_PLAUSIBLE_W = 1_000_000
const MIN_PLAUSIBILITY_WINDOW_S = 60

export type RegisterPoint = { at: string; wh: number }

/** The readings that bill a session: the total (not per phase) import register at the outlet. */
export function registerPoints(readings: readonly Reading[]): RegisterPoint[] {
  const points: RegisterPoint[] = []
  for (const r of readings) {
    if (r.measurand !== 'Energy.Active.Import.Register' || r.phase !== '' || r.location !== 'Outlet') continue
    if (r.normalized === null || (r.unit !== 'Wh' && r.unit !== 'kWh')) continue
    points.push({ at: r.at, wh: r.normalized })
  }
  return points
}

function step(state: EnergyState, p: RegisterPoint): EnergyState {
  if (state.lastAt === null || state.lastWh === null) {
    return { ...state, firstAt: p.at, firstWh: p.wh, lastAt: p.at, lastWh: p.wh }
  }
  const delta = p.wh - state.lastWh
  const seconds = Math.max(MIN_PLAUSIBILITY_WINDOW_S, (Date.parse(p.at) - Date.parse(state.lastAt)) / 1000)
  const plausible = delta >= 0 && delta <= (MAX_PLAUSIBLE_W * seconds) / 3600
  return {
    ...state,
    lastAt: p.at,
    lastWh: p.wh,
    importedWh: plausible ? round(state.importedWh + delta) : state.importedWh,
    resets: plausible ? state.resets : state.resets + 1,
  }
}

/**
 * Applies new register points. Points after the last one extend the sum; one at the same
 * instant is the same reading again; one earlier than the last means the sum must be rebuilt
 * from every stored point (`needsRebuild`), which the repository does with `rebuildEnergy`.
 */
export function applyPoints(
  state: EnergyState,
  points: readonly RegisterPoint[],
): { state: EnergyState; needsRebuild: boolean } {
  let next = state
  let needsRebuild = false
  for (const p of [...points].sort(byTime)) {
    if (next.lastAt !== null && p.at < next.lastAt) needsRebuild = true
    else if (next.lastAt === p.at) continue
    else next = step(next, p)
  }
  return { state: next, needsRebuild }
}

/** The energy of a session from all its register points, in any order. */
export function rebuildEnergy(points: readonly RegisterPoint[]): EnergyState {
  return applyPoints(NO_ENERGY, points).state
}

function byTime(a: RegisterPoint, b: RegisterPoint): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0
}

function round(wh: number): number {
  return Number(wh.toPrecision(15))
}
