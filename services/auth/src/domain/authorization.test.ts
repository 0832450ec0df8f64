import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type AuthorizationPolicy,
  decideAuthorization,
  localListInfo,
  type StoredIdToken,
} from './authorization.js'

const now = new Date('2026-01-10T12:00:00.000Z')
const policy: AuthorizationPolicy = { cacheTtlS: 3600, acceptUnknown: false, acceptNoAuthorization: true }
const aToken = (over: Partial<StoredIdToken> = {}): StoredIdToken => ({
  idToken: 'A1B2C3D4',
  type: 'ISO14443',
  status: 'Accepted',
  expiresAt: null,
  groupIdToken: null,
  language1: null,
  language2: null,
  chargingPriority: null,
  evseIds: null,
  stationIds: null,
  personalMessage: null,
  ...over,
})
const q = { type: 'ISO14443', stationId: 'CS-1', now }

describe('authorization decision', () => {
  it('accepts a stored token with a cache expiry of the configured lifetime', () => {
    assert.deepEqual(decideAuthorization(aToken(), undefined, q, policy), {
      status: 'Accepted',
      cacheExpiryDateTime: '2026-01-10T13:00:00.000Z',
    })
  })

  it('bounds the cache expiry by the token expiry, and answers Expired after it', () => {
    const soon = aToken({ expiresAt: new Date('2026-01-10T12:10:00.000Z') })
    assert.equal(
      decideAuthorization(soon, undefined, q, policy).cacheExpiryDateTime,
      '2026-01-10T12:10:00.000Z',
    )
    const past = aToken({ expiresAt: new Date('2026-01-10T11:59:59.000Z') })
    assert.equal(decideAuthorization(past, undefined, q, policy).status, 'Expired')
  })

  it('answers Unknown for an unknown token unless the station is free-vend', () => {
    assert.deepEqual(decideAuthorization(undefined, undefined, q, policy), { status: 'Unknown' })
    assert.deepEqual(decideAuthorization(undefined, undefined, q, { ...policy, acceptUnknown: true }), {
      status: 'Accepted',
      cacheExpiryDateTime: '2026-01-10T13:00:00.000Z',
    })
  })

  it('bounds the cache expiry by the expiry of the token group, in answers and in local lists', () => {
    const member = aToken({ groupIdToken: { idToken: 'FLEET', type: 'Central' } })
    const group = aToken({
      idToken: 'FLEET',
      type: 'Central',
      expiresAt: new Date('2026-01-10T12:20:00.000Z'),
    })
    assert.equal(
      decideAuthorization(member, group, q, policy).cacheExpiryDateTime,
      '2026-01-10T12:20:00.000Z',
    )
    assert.equal(localListInfo(member, group, 'CS-1', now).cacheExpiryDateTime, '2026-01-10T12:20:00.000Z')
    const later = aToken({ ...member, expiresAt: new Date('2026-01-10T12:30:00.000Z') })
    assert.equal(localListInfo(later, group, 'CS-1', now).cacheExpiryDateTime, '2026-01-10T12:20:00.000Z')
  })

  it('refuses outside the allowed stations and EVSEs', () => {
    const placed = aToken({ stationIds: ['CS-2'] })
    assert.equal(decideAuthorization(placed, undefined, q, policy).status, 'NotAtThisLocation')
    const evse = aToken({ evseIds: [2] })
    assert.equal(
      decideAuthorization(evse, undefined, { ...q, evseId: 1 }, policy).status,
      'NotAllowedTypeEVSE',
    )
    assert.deepEqual(decideAuthorization(evse, undefined, { ...q, evseId: 2 }, policy).evseId, [2])
  })

  it('gives the group and takes its status when the group is blocked', () => {
    const member = aToken({ groupIdToken: { idToken: 'FLEET', type: 'Central' } })
    const group = aToken({ idToken: 'FLEET', type: 'Central' })
    assert.deepEqual(decideAuthorization(member, group, q, policy).groupIdToken, {
      idToken: 'FLEET',
      type: 'Central',
    })
    assert.equal(decideAuthorization(member, { ...group, status: 'Blocked' }, q, policy).status, 'Blocked')
  })

  it('answers NoAuthorization per policy', () => {
    const none = { ...q, type: 'NoAuthorization' }
    assert.deepEqual(decideAuthorization(undefined, undefined, none, policy), { status: 'Accepted' })
    assert.deepEqual(
      decideAuthorization(undefined, undefined, none, { ...policy, acceptNoAuthorization: false }),
      {
        status: 'Invalid',
      },
    )
  })

  it('puts the token expiry, not the cache lifetime, into local list entries', () => {
    const t = aToken({ expiresAt: new Date('2027-01-01T00:00:00.000Z'), language1: 'de' })
    assert.deepEqual(localListInfo(t, undefined, 'CS-1', now), {
      status: 'Accepted',
      cacheExpiryDateTime: '2027-01-01T00:00:00.000Z',
      language1: 'de',
    })
  })
})
