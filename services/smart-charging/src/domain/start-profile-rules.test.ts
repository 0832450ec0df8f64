import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkLegacyStartProfile, type LegacyStartProfile } from './start-profile-rules.js'

const aStartProfile = (o: Partial<LegacyStartProfile> = {}): LegacyStartProfile => ({
  chargingProfilePurpose: 'TxProfile',
  stackLevel: 0,
  ...o,
})
const rules = (p: LegacyStartProfile, balancerStackLevel?: number) =>
  checkLegacyStartProfile(p, balancerStackLevel).map((v) => v.rule)

describe('OCPP 1.6 RemoteStartTransaction chargingProfile rules (K05 for 1.6)', () => {
  it('accepts a TxProfile without transactionId', () => {
    assert.deepEqual(rules(aStartProfile()), [])
  })

  it('refuses another purpose (§5.11) and a transactionId', () => {
    assert.deepEqual(rules(aStartProfile({ chargingProfilePurpose: 'ChargePointMaxProfile' })), [
      'OCPP 1.6 §5.11',
    ])
    assert.deepEqual(rules(aStartProfile({ transactionId: 7 })), ['ChargingProfile.transactionId'])
  })

  it('refuses a TxProfile above the balancer on a balanced site, not one at or below it', () => {
    assert.deepEqual(rules(aStartProfile({ stackLevel: 2 }), 1), ['CSMS.balanced-site'])
    assert.deepEqual(rules(aStartProfile({ stackLevel: 1 }), 1), [])
    assert.deepEqual(rules(aStartProfile({ stackLevel: 5 })), [], 'an unbalanced station')
  })
})
