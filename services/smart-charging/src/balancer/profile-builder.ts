import type { OcppVersion, v16, v201 } from '@csms/ocpp'
import type { EvseState } from './site-model.js'

// The SetChargingProfile and ClearChargingProfile payloads the balancer sends. Both kinds of
// profile are Relative: their single period starts with the transaction, so a station whose
// clock runs behind still applies them at once (an Absolute profile dated "now" could wait for
// the station's clock to catch up).

export type BalancerProfileIds = { base: number; stackLevel: number }

export const txProfileId = (ids: BalancerProfileIds, evseId: number) => ids.base + evseId
export const txDefaultProfileId = (ids: BalancerProfileIds) => ids.base + 100_000
export const reservedIdRange = (ids: BalancerProfileIds) => ({ min: ids.base, max: ids.base + 200_000 })

export type SetProfileCall = {
  action: 'SetChargingProfile'
  payload: Record<string, unknown>
  profile: Record<string, unknown>
}

/** The share of one EVSE: A per phase (with numberPhases) for AC, W for DC. */
export function txProfileCall(
  version: OcppVersion,
  ids: BalancerProfileIds,
  e: EvseState,
  share: { watts: number; amps: number | undefined },
): SetProfileCall | undefined {
  const ac = e.electrical.current === 'AC'
  const limit = ac ? (share.amps ?? 0) : Math.floor(share.watts)
  const unit = ac ? 'A' : 'W'
  const period = ac ? { startPeriod: 0, limit, numberPhases: e.electrical.phases } : { startPeriod: 0, limit }
  if (version === 'v16') {
    const transactionId = Number(e.transactionId)
    if (!Number.isInteger(transactionId)) return undefined
    const profile = {
      chargingProfileId: txProfileId(ids, e.evseId),
      transactionId,
      stackLevel: ids.stackLevel,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: unit, chargingSchedulePeriod: [period] },
    }
    return {
      action: 'SetChargingProfile',
      payload: { connectorId: e.evseId, csChargingProfiles: profile },
      profile,
    }
  }
  const profile = {
    id: txProfileId(ids, e.evseId),
    stackLevel: ids.stackLevel,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    transactionId: e.transactionId,
    chargingSchedule: [{ id: 1, chargingRateUnit: unit, chargingSchedulePeriod: [period] }],
  }
  return { action: 'SetChargingProfile', payload: { evseId: e.evseId, chargingProfile: profile }, profile }
}

/** The station-wide default that holds every new transaction until its share arrives. */
export function txDefaultCall(
  version: OcppVersion,
  ids: BalancerProfileIds,
  limit: { unit: 'A' | 'W'; limit: number },
): SetProfileCall {
  const period = { startPeriod: 0, limit: limit.limit }
  if (version === 'v16') {
    const profile = {
      chargingProfileId: txDefaultProfileId(ids),
      stackLevel: ids.stackLevel,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: limit.unit, chargingSchedulePeriod: [period] },
    }
    return { action: 'SetChargingProfile', payload: { connectorId: 0, csChargingProfiles: profile }, profile }
  }
  const profile = {
    id: txDefaultProfileId(ids),
    stackLevel: ids.stackLevel,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: [{ id: 1, chargingRateUnit: limit.unit, chargingSchedulePeriod: [period] }],
  }
  return { action: 'SetChargingProfile', payload: { evseId: 0, chargingProfile: profile }, profile }
}

/** One of the balancer's profiles on a station, as ClearChargingProfile names it. */
export type BalancerProfileRef = {
  profileId: number
  evseId: number
  purpose: 'TxProfile' | 'TxDefaultProfile'
}

/**
 * Clears one of the balancer's profiles: by id, with criteria that match that profile only, so
 * a station that reads the criteria instead of (or besides) the id still clears nothing else.
 */
export function clearProfilePayload(
  version: OcppVersion,
  ids: BalancerProfileIds,
  p: BalancerProfileRef,
): v16.ClearChargingProfileRequest | v201.ClearChargingProfileRequest {
  if (version === 'v16') {
    return {
      id: p.profileId,
      connectorId: p.evseId,
      chargingProfilePurpose: p.purpose,
      stackLevel: ids.stackLevel,
    }
  }
  return {
    chargingProfileId: p.profileId,
    chargingProfileCriteria: {
      evseId: p.evseId,
      chargingProfilePurpose: p.purpose,
      stackLevel: ids.stackLevel,
    },
  }
}
