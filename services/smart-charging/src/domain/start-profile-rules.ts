import type { RuleViolation } from './profile-rules.js'

// OCPP 1.6 (§5.11): what the chargingProfile of a RemoteStartTransaction.req must be. The 2.0.1
// and 2.1 rules (F01.FR.09, F01.FR.11 and K01) are checkSetChargingProfile's, origin
// 'RequestStartTransaction'. Like 1.6 SetChargingProfile, the schedule is left to the schema.

export type LegacyStartProfile = {
  chargingProfilePurpose: string
  stackLevel: number
  transactionId?: number | undefined
}

/**
 * balancerStackLevel: the stack level of the load balancer's profiles when the station holds
 * them (its site is balanced): a TxProfile above it would override the site's allocation.
 */
export function checkLegacyStartProfile(
  profile: LegacyStartProfile,
  balancerStackLevel?: number | undefined,
): RuleViolation[] {
  const out: RuleViolation[] = []
  if (profile.chargingProfilePurpose !== 'TxProfile') {
    out.push({
      rule: 'OCPP 1.6 §5.11',
      message: 'the chargingProfile of a RemoteStartTransaction is a TxProfile',
    })
  }
  if (profile.transactionId !== undefined) {
    out.push({
      rule: 'ChargingProfile.transactionId',
      message: 'a RemoteStartTransaction profile has no transactionId: the transaction does not exist yet',
    })
  }
  if (balancerStackLevel !== undefined && profile.stackLevel > balancerStackLevel) {
    out.push({
      rule: 'CSMS.balanced-site',
      message: `the station's site is load balanced: a TxProfile above stack level ${balancerStackLevel} would override the balancer's share`,
    })
  }
  return out
}
