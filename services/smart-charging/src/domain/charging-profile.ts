// A structural view of a charging profile that both OCPP 2.0.1 and 2.1 payloads fit, so the
// rules and the composite schedule are written once. 2.1 adds purposes (PriorityCharging,
// LocalGeneration), the Dynamic kind, per-phase limits and setpoints; 2.1 makes `limit` optional.

export type PeriodLike = {
  startPeriod: number
  limit?: number | undefined
  numberPhases?: number | undefined
  phaseToUse?: number | undefined
  setpoint?: number | undefined
  dischargeLimit?: number | undefined
  /** OCPP 2.1. */
  operationMode?: string | undefined
}

export type ScheduleLike = {
  id: number
  startSchedule?: string | undefined
  duration?: number | undefined
  chargingRateUnit: 'A' | 'W'
  chargingSchedulePeriod: readonly PeriodLike[]
  minChargingRate?: number | undefined
  randomizedDelay?: number | undefined
}

export type ProfileLike = {
  id: number
  stackLevel: number
  chargingProfilePurpose: string
  chargingProfileKind: string
  recurrencyKind?: string | undefined
  validFrom?: string | undefined
  validTo?: string | undefined
  transactionId?: string | undefined
  dynUpdateInterval?: number | undefined
  dynUpdateTime?: string | undefined
  chargingSchedule: readonly ScheduleLike[]
}

/** A profile as installed on an EVSE (0 = the whole station), with when it was accepted. */
export type InstalledProfile = {
  evseId: number
  profile: ProfileLike
  /** Epoch ms the station accepted it: where an Absolute schedule without a start begins. */
  setAt: number
}

export const PURPOSE = {
  max: 'ChargingStationMaxProfile',
  external: 'ChargingStationExternalConstraints',
  txDefault: 'TxDefaultProfile',
  tx: 'TxProfile',
  priority: 'PriorityCharging',
  localGeneration: 'LocalGeneration',
} as const

export const time = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso)
