import { PURPOSE } from './charging-profile.js'
import type { RuleViolation } from './profile-rules.js'

// The rules of the two other profile requests the CSMS sends: ClearChargingProfile (K10) and
// GetChargingProfiles (K09).

export type ClearContext = {
  chargingProfileId?: number | undefined
  criteria?:
    | {
        evseId?: number | undefined
        chargingProfilePurpose?: string | undefined
        stackLevel?: number | undefined
      }
    | undefined
}

export function checkClearChargingProfile(c: ClearContext): RuleViolation[] {
  const out: RuleViolation[] = []
  const k = c.criteria
  if (
    c.chargingProfileId === undefined &&
    (k === undefined || Object.values(stripUndefined(k)).length === 0)
  ) {
    out.push({
      rule: 'K10.FR.02',
      message: 'give a chargingProfileId or at least one criterion (evseId, purpose, stackLevel)',
    })
  }
  if (k?.chargingProfilePurpose === PURPOSE.external) {
    out.push({
      rule: 'K10.FR.06',
      message: 'the CSMS cannot clear ChargingStationExternalConstraints profiles',
    })
  }
  return out
}

export function checkGetChargingProfiles(c: {
  chargingProfileId?: readonly number[] | undefined
  chargingProfilePurpose?: string | undefined
  stackLevel?: number | undefined
  chargingLimitSource?: readonly string[] | undefined
}): RuleViolation[] {
  if (
    c.chargingProfileId !== undefined &&
    (c.chargingProfilePurpose !== undefined ||
      c.stackLevel !== undefined ||
      c.chargingLimitSource !== undefined)
  ) {
    return [{ rule: 'K09.FR.03', message: 'chargingProfileId excludes the other criteria' }]
  }
  return []
}

function stripUndefined(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([k, x]) => x !== undefined && k !== 'customData'))
}
