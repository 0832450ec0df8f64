import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type AdmissionInput, admit } from './admission.js'

const verify = async (password: string, hash: string) => hash === `h(${password})`
const base: AdmissionInput = {
  credentials: { securityProfile: 1, passwordHash: 'h(secret-password-16)' },
  presentedProfile: 1,
  password: 'secret-password-16',
  allowUnknownStations: false,
  verify,
}

describe('station admission', () => {
  it('accepts the right password on the registered profile', async () => {
    assert.deepEqual(await admit(base), { accepted: true, registered: true, requiredProfile: 1 })
  })

  it('refuses a wrong or missing password', async () => {
    assert.deepEqual(await admit({ ...base, password: 'nope' }), { accepted: false, reason: 'bad_password' })
    assert.deepEqual(await admit({ ...base, password: undefined }), {
      accepted: false,
      reason: 'missing_password',
    })
  })

  it('refuses a downgrade to a weaker profile', async () => {
    const strict = {
      ...base,
      credentials: { securityProfile: 2 as const, passwordHash: 'h(secret-password-16)' },
    }
    assert.deepEqual(await admit(strict), { accepted: false, reason: 'weaker_profile' })
    assert.equal((await admit({ ...strict, presentedProfile: 2 })).accepted, true)
  })

  it('refuses unknown stations unless the policy lets them in', async () => {
    assert.deepEqual(await admit({ ...base, credentials: undefined }), {
      accepted: false,
      reason: 'unknown_station',
    })
    assert.deepEqual(await admit({ ...base, credentials: undefined, allowUnknownStations: true }), {
      accepted: true,
      registered: false,
      requiredProfile: 0,
    })
  })

  it('lets a profile-3 station in on its certificate without a password', async () => {
    const mtls = {
      ...base,
      credentials: { securityProfile: 3 as const, passwordHash: null },
      password: undefined,
    }
    assert.equal((await admit({ ...mtls, presentedProfile: 3 })).accepted, true)
    assert.deepEqual(await admit({ ...mtls, presentedProfile: 2 }), {
      accepted: false,
      reason: 'weaker_profile',
    })
  })

  it('accepts the pending password of a rotation beside the current one, and says so', async () => {
    const rotating = {
      ...base,
      credentials: {
        securityProfile: 1 as const,
        passwordHash: 'h(secret-password-16)',
        pendingPasswordHash: 'h(next-password-0016)',
      },
    }
    assert.deepEqual(await admit(rotating), { accepted: true, registered: true, requiredProfile: 1 })
    assert.deepEqual(await admit({ ...rotating, password: 'next-password-0016' }), {
      accepted: true,
      registered: true,
      requiredProfile: 1,
      usedPendingPassword: true,
    })
    assert.deepEqual(await admit({ ...rotating, password: 'other' }), {
      accepted: false,
      reason: 'bad_password',
    })
  })
})
