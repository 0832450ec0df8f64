import type { ChargingPurpose, SchedulePeriod, StoredProfile } from '../model/charging-profiles.js'

// Charging profiles as 2.0.1, 2.1 and 1.6 send them, turned into the one form the station evaluates.

type Period2x = { startPeriod: number; limit?: number; setpoint?: number; numberPhases?: number }
type Schedule2x = {
  startSchedule?: string
  duration?: number
  chargingRateUnit: 'W' | 'A'
  chargingSchedulePeriod: Period2x[]
}
export type Profile2x = {
  id: number
  stackLevel: number
  chargingProfilePurpose: string
  chargingProfileKind: string
  recurrencyKind?: 'Daily' | 'Weekly'
  validFrom?: string
  validTo?: string
  transactionId?: string
  chargingSchedule: Schedule2x[]
}

const PURPOSES_2X: Record<string, ChargingPurpose> = {
  ChargingStationMaxProfile: 'ChargingStationMaxProfile',
  ChargingStationExternalConstraints: 'ChargingStationExternalConstraints',
  TxDefaultProfile: 'TxDefaultProfile',
  TxProfile: 'TxProfile',
}

const time = (t: string | undefined) => (t === undefined ? undefined : Date.parse(t))

function period(p: Period2x): SchedulePeriod {
  // 2.1: a setpoint (signed, negative = discharge) steers the power; `limit` may be absent.
  const limit = p.setpoint ?? p.limit ?? Number.MAX_SAFE_INTEGER
  return {
    startPeriod: p.startPeriod,
    limit,
    ...(p.numberPhases === undefined ? {} : { numberPhases: p.numberPhases }),
  }
}

/** Undefined when the station cannot honour the profile (an unknown purpose or kind). */
export function fromProfile2x(p: Profile2x, evseId: number, now: number): StoredProfile | undefined {
  const purpose = PURPOSES_2X[p.chargingProfilePurpose]
  const schedule = p.chargingSchedule[0]
  if (!purpose || !schedule) return undefined
  const kind = p.chargingProfileKind === 'Dynamic' ? 'Absolute' : p.chargingProfileKind
  if (kind !== 'Absolute' && kind !== 'Recurring' && kind !== 'Relative') return undefined
  return strip({
    id: p.id,
    stackLevel: p.stackLevel,
    purpose,
    kind,
    recurrency: p.recurrencyKind,
    validFrom: time(p.validFrom),
    validTo: time(p.validTo),
    transactionId: p.transactionId,
    evseId,
    setAt: now,
    startSchedule: time(schedule.startSchedule),
    duration: schedule.duration,
    unit: schedule.chargingRateUnit,
    periods: schedule.chargingSchedulePeriod.map(period),
    raw: p,
  })
}

export type Profile16 = {
  chargingProfileId: number
  transactionId?: number
  stackLevel: number
  chargingProfilePurpose: 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile'
  chargingProfileKind: 'Absolute' | 'Recurring' | 'Relative'
  recurrencyKind?: 'Daily' | 'Weekly'
  validFrom?: string
  validTo?: string
  chargingSchedule: {
    duration?: number
    startSchedule?: string
    chargingRateUnit: 'A' | 'W'
    chargingSchedulePeriod: { startPeriod: number; limit: number; numberPhases?: number }[]
  }
}

export function fromProfile16(p: Profile16, connectorId: number, now: number): StoredProfile {
  const s = p.chargingSchedule
  return strip({
    id: p.chargingProfileId,
    stackLevel: p.stackLevel,
    purpose:
      p.chargingProfilePurpose === 'ChargePointMaxProfile'
        ? 'ChargingStationMaxProfile'
        : p.chargingProfilePurpose,
    kind: p.chargingProfileKind,
    recurrency: p.recurrencyKind,
    validFrom: time(p.validFrom),
    validTo: time(p.validTo),
    transactionId: p.transactionId === undefined ? undefined : String(p.transactionId),
    evseId: connectorId,
    setAt: now,
    startSchedule: time(s.startSchedule),
    duration: s.duration,
    unit: s.chargingRateUnit,
    periods: s.chargingSchedulePeriod.map((x) => ({ ...x })),
    raw: p,
  })
}

/** Adds a profile the way K01 / 1.6 §3.13.2 say: same id, or same purpose+stack+EVSE, is replaced. */
export function installProfile(profiles: readonly StoredProfile[], p: StoredProfile): StoredProfile[] {
  return [
    ...profiles.filter(
      (q) =>
        q.id !== p.id && !(q.purpose === p.purpose && q.stackLevel === p.stackLevel && q.evseId === p.evseId),
    ),
    p,
  ]
}

type Loose<T> = { [K in keyof T]: T[K] | undefined }

/** Drops undefined fields (exactOptionalPropertyTypes). */
function strip(p: Loose<StoredProfile>): StoredProfile {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as StoredProfile
}
