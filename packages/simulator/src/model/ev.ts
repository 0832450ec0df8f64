import type { Random } from '../util/random.js'

/** The vehicle plugged into an EVSE: what it can take, what it needs, when it leaves. */
export type Ev = {
  batteryWh: number
  /** State of charge, 0..1, updated as energy flows. */
  soc: number
  targetSoc: number
  /** Below this the EV refuses to discharge (V2G). */
  minSoc: number
  maxAcW: number
  maxDcW: number
  /** 0 for an EV that cannot discharge. */
  maxDischargeW: number
  /** Epoch ms at which the driver comes back and unplugs. */
  departureAt: number
}

export type EvProfile = {
  batteryKwh: readonly [number, number]
  arrivalSoc: readonly [number, number]
  targetSoc: readonly [number, number]
  /** Share of EVs that can discharge (V2G capable). */
  bidirectionalShare: number
}

export const DEFAULT_EV_PROFILE: EvProfile = {
  batteryKwh: [40, 100],
  arrivalSoc: [0.1, 0.6],
  targetSoc: [0.8, 1],
  bidirectionalShare: 0.5,
}

export function drawEv(random: Random, profile: EvProfile, now: number, dwellMs: number): Ev {
  const batteryWh = Math.round(random.between(...profile.batteryKwh)) * 1_000
  const bidirectional = random.next() < profile.bidirectionalShare
  return {
    batteryWh,
    soc: random.between(...profile.arrivalSoc),
    targetSoc: Math.min(1, random.between(...profile.targetSoc)),
    minSoc: 0.2,
    maxAcW: random.next() < 0.5 ? 11_000 : 22_000,
    maxDcW: batteryWh >= 70_000 ? 150_000 : 100_000,
    maxDischargeW: bidirectional ? 11_000 : 0,
    departureAt: now + dwellMs,
  }
}

/** What the EV accepts at its state of charge: DC tapers above 80 %, nothing once at target. */
export function evAcceptanceW(ev: Ev, current: 'AC' | 'DC'): number {
  if (ev.soc >= ev.targetSoc) return 0
  if (current === 'AC') return ev.maxAcW
  const taper = ev.soc <= 0.8 ? 1 : Math.max(0.2, 1 - ((ev.soc - 0.8) / 0.2) * 0.8)
  return Math.round(ev.maxDcW * taper)
}

export type PowerLimits = {
  evseMaxW: number
  evseMaxDischargeW: number
  current: 'AC' | 'DC'
  /** From charging profiles: undefined = no limit, negative = discharge requested (V2G). */
  profileLimitW: number | undefined
  operative: boolean
}

/**
 * The power that actually flows: the least of what the EVSE, the EV and the CSMS's charging
 * profiles allow. A negative profile limit makes a bidirectional EV and EVSE discharge.
 */
export function allowedPowerW(ev: Ev, l: PowerLimits): number {
  if (!l.operative) return 0
  const limit = l.profileLimitW
  if (limit !== undefined && limit < 0) {
    if (ev.soc <= ev.minSoc) return 0
    return -Math.min(-limit, l.evseMaxDischargeW, ev.maxDischargeW)
  }
  return Math.max(0, Math.min(l.evseMaxW, evAcceptanceW(ev, l.current), limit ?? Number.POSITIVE_INFINITY))
}

/** Moves the state of charge by the energy that flowed (Wh, negative when discharged). */
export function applyEnergy(ev: Ev, wh: number): void {
  ev.soc = Math.min(1, Math.max(0, ev.soc + wh / ev.batteryWh))
}
