import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toIdTagInfo, toV201IdTokenInfo } from './id-token-versions.js'

describe('idTokenInfo for each OCPP version', () => {
  it('maps onto 1.6 idTagInfo', () => {
    assert.deepEqual(toIdTagInfo({ status: 'Unknown' }), { status: 'Invalid' })
    assert.deepEqual(
      toIdTagInfo({
        status: 'Blocked',
        cacheExpiryDateTime: '2026-01-10T13:00:00.000Z',
        groupIdToken: { idToken: 'PARENT', type: 'Central' },
      }),
      { status: 'Blocked', expiryDate: '2026-01-10T13:00:00.000Z', parentIdTag: 'PARENT' },
    )
    // A group 1.6 cannot carry is left out, not cut into another group's name.
    const long = { status: 'Accepted' as const, groupIdToken: { idToken: 'G'.repeat(21), type: 'Central' } }
    assert.deepEqual(toIdTagInfo(long), { status: 'Accepted' })
  })

  it('leaves out of 2.0.1 idTokenInfo a group only 2.1 can express: another type, more than 36 characters', () => {
    const info = { status: 'Accepted' as const, language1: 'de' }
    const fits = { ...info, groupIdToken: { idToken: 'F'.repeat(36), type: 'Central' } }
    assert.deepEqual(toV201IdTokenInfo(fits), fits)
    assert.deepEqual(
      toV201IdTokenInfo({ ...info, groupIdToken: { idToken: 'F'.repeat(37), type: 'Central' } }),
      info,
    )
    assert.deepEqual(toV201IdTokenInfo({ ...info, groupIdToken: { idToken: 'FLEET', type: 'Fleet' } }), info)
    assert.deepEqual(toV201IdTokenInfo(info), info)
  })
})
