import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  authorizeIdTokenRpc,
  callRpc,
  deleteIdTokenRpc,
  getIdTokenRpc,
  type IdTokenInfo,
  listIdTokensRpc,
  setStationAuthPolicyRpc,
  type UpsertIdTokenRequest,
  upsertIdTokenRpc,
} from '@csms/bus'
import { type Harness, startHarness } from './support/harness.js'

const TTL_S = 3600

describe('ID tokens and Authorize over real NATS and PostgreSQL', () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ CSMS_AUTH_CACHE_TTL_S: String(TTL_S) })
  })
  after(async () => {
    await h?.stop()
  })

  const store = (token: Partial<UpsertIdTokenRequest> & { idToken: string; type: string }) =>
    callRpc(h.nc, upsertIdTokenRpc, { status: 'Accepted', ...token })
  const authorize = async (
    idToken: string,
    type: string,
    stationId = 'CS-A',
    version: 'v201' | 'v21' = 'v201',
  ) =>
    (
      await h.ok<{ idTokenInfo: IdTokenInfo }>(version, 'Authorize', stationId, {
        idToken: { idToken, type },
      })
    ).idTokenInfo

  const EVERY_TYPE = [
    ['ISO14443', '04A1B2C3D4E5F6'],
    ['ISO15693', 'E004010012345678'],
    ['eMAID', 'DE-8AC-C12345678-9'],
    ['KeyCode', '4711'],
    ['Central', 'APP-USER-1'],
    ['Local', 'LOCAL-CARD-7'],
    ['MacAddress', '00:1A:2B:3C:4D:5E'],
  ] as const

  it('accepts a stored token of every type, with a cache expiry of the configured lifetime', async () => {
    for (const [type, idToken] of EVERY_TYPE) await store({ idToken, type })
    for (const [type, idToken] of EVERY_TYPE) {
      const before = Date.now()
      const info = await authorize(idToken, type)
      assert.equal(info.status, 'Accepted', `${type} ${idToken}`)
      const expiry = Date.parse(info.cacheExpiryDateTime ?? '')
      assert.ok(expiry >= before + TTL_S * 1000 - 1000 && expiry <= Date.now() + TTL_S * 1000 + 1000, type)
    }
    // NoAuthorization (a start button) is accepted by the default policy without any token.
    assert.equal((await authorize('', 'NoAuthorization')).status, 'Accepted')
  })

  it('answers every stored status as stored', async () => {
    const statuses = [
      'Blocked',
      'ConcurrentTx',
      'Expired',
      'Invalid',
      'NoCredit',
      'NotAllowedTypeEVSE',
      'NotAtThisLocation',
      'NotAtThisTime',
    ] as const
    for (const [i, status] of statuses.entries()) {
      await store({ idToken: `STATUS-${i}`, type: 'Central', status })
      assert.equal((await authorize(`STATUS-${i}`, 'Central')).status, status)
    }
  })

  it('answers Unknown, Expired, NotAtThisLocation and NotAllowedTypeEVSE from the token and the request', async () => {
    assert.deepEqual(await authorize('NOBODY', 'Central'), { status: 'Unknown' })
    await store({ idToken: 'LAPSED', type: 'Central', expiresAt: new Date(Date.now() - 1000).toISOString() })
    assert.equal((await authorize('LAPSED', 'Central')).status, 'Expired')
    await store({ idToken: 'SITE-ONLY', type: 'Central', stationIds: ['CS-HOME'] })
    assert.equal((await authorize('SITE-ONLY', 'Central', 'CS-HOME')).status, 'Accepted')
    assert.equal((await authorize('SITE-ONLY', 'Central', 'CS-AWAY')).status, 'NotAtThisLocation')
    await store({ idToken: 'EVSE-TWO', type: 'Central', evseIds: [2] })
    const ask = (evseId: number) =>
      callRpc(h.nc, authorizeIdTokenRpc, { idToken: 'EVSE-TWO', type: 'Central', stationId: 'CS-A', evseId })
    assert.deepEqual(await ask(2).then((i) => [i.status, i.evseId]), ['Accepted', [2]])
    assert.equal((await ask(1)).status, 'NotAllowedTypeEVSE')
    // Authorize carries no EVSE: the restriction travels in idTokenInfo for the station to apply.
    assert.deepEqual((await authorize('EVSE-TWO', 'Central')).evseId, [2])
  })

  it('bounds cacheExpiryDateTime by the token expiry, and gives language and priority', async () => {
    const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString()
    await store({
      idToken: 'SOON',
      type: 'Central',
      expiresAt,
      language1: 'de',
      language2: 'en',
      chargingPriority: 3,
    })
    const info = await authorize('SOON', 'Central')
    assert.deepEqual(info, {
      status: 'Accepted',
      cacheExpiryDateTime: expiresAt,
      language1: 'de',
      language2: 'en',
      chargingPriority: 3,
    })
  })

  it('ends the cache lifetime of a member when its group expires', async () => {
    const groupExpiry = new Date(Date.now() + 5 * 60_000).toISOString()
    await store({ idToken: 'FLEET-LEASE', type: 'Central', expiresAt: groupExpiry })
    await store({
      idToken: 'LEASED-CARD',
      type: 'Central',
      groupIdToken: { idToken: 'FLEET-LEASE', type: 'Central' },
    })
    const info = await authorize('LEASED-CARD', 'Central')
    assert.equal(info.status, 'Accepted')
    assert.equal(info.cacheExpiryDateTime, groupExpiry)
  })

  it('matches an idToken of every type whatever its case (OCPP: IdToken is case insensitive)', async () => {
    await store({ idToken: 'App-User-Case', type: 'Central' })
    await store({ idToken: 'Ticket-abc', type: 'Local' })
    await store({ idToken: 'Pin-x9', type: 'KeyCode' })
    assert.equal((await authorize('APP-USER-CASE', 'Central')).status, 'Accepted')
    assert.equal((await authorize('app-user-case', 'Central')).status, 'Accepted')
    assert.equal((await authorize('TICKET-ABC', 'Local')).status, 'Accepted')
    assert.equal((await authorize('pin-X9', 'KeyCode')).status, 'Accepted')
    const v16 = await h.ok<{ idTagInfo: { status: string } }>('v16', 'Authorize', 'CS-16', {
      idTag: 'TICKET-ABC',
    })
    assert.equal(v16.idTagInfo.status, 'Accepted')
    // The same token in another case is the same token: an update, not a second one.
    const updated = await store({ idToken: 'APP-USER-CASE', type: 'Central', status: 'Blocked' })
    assert.deepEqual([updated.created, updated.token.idToken], [false, 'App-User-Case'])
    assert.equal((await authorize('app-user-case', 'Central')).status, 'Blocked')
    const found = await callRpc(h.nc, getIdTokenRpc, { idToken: 'app-user-case' })
    assert.deepEqual(
      found.tokens.map((t) => [t.idToken, t.status]),
      [['App-User-Case', 'Blocked']],
    )
    // A group named in another case is still the group.
    await store({ idToken: 'Fleet-Mixed', type: 'Central', status: 'Blocked' })
    await store({
      idToken: 'FLEET-MEMBER-1',
      type: 'Central',
      groupIdToken: { idToken: 'FLEET-MIXED', type: 'Central' },
    })
    assert.equal((await authorize('FLEET-MEMBER-1', 'Central')).status, 'Blocked')
    assert.deepEqual(await callRpc(h.nc, deleteIdTokenRpc, { idToken: 'APP-USER-CASE', type: 'Central' }), {
      deleted: 1,
    })
    assert.equal((await authorize('App-User-Case', 'Central')).status, 'Unknown')
  })

  it('stores eMAIDs without their printed separators and finds them in either form', async () => {
    const stored = await store({ idToken: 'de-8ac-c99999999-1', type: 'eMAID' })
    assert.equal(stored.token.idToken, 'DE8ACC999999991')
    assert.equal((await authorize('DE8ACC999999991', 'eMAID')).status, 'Accepted')
    assert.equal((await authorize('DE-8AC-C99999999-1', 'eMAID')).status, 'Accepted')
    // DIN SPEC 91286 (EVCO ID) form, as roaming platforms send it.
    await store({ idToken: 'DE*8PS*ABC123*X', type: 'eMAID' })
    assert.equal((await authorize('DE8PSABC123X', 'eMAID')).status, 'Accepted')
    assert.equal((await authorize('de-8ps-abc123-x', 'eMAID')).status, 'Accepted')
    // A group named in the printed form is the stored eMAID: blocking it blocks the member.
    const member = await store({
      idToken: 'CAR-OF-CONTRACT',
      type: 'Central',
      groupIdToken: { idToken: 'DE-8AC-C99999999-1', type: 'eMAID' },
    })
    assert.deepEqual(member.token.groupIdToken, { idToken: 'DE8ACC999999991', type: 'eMAID' })
    await store({ idToken: 'DE8ACC999999991', type: 'eMAID', status: 'Blocked' })
    assert.equal((await authorize('CAR-OF-CONTRACT', 'Central')).status, 'Blocked')
    const byPrinted = await callRpc(h.nc, getIdTokenRpc, { idToken: 'DE-8AC-C99999999-1' })
    assert.deepEqual(
      byPrinted.tokens.map((t) => [t.idToken, t.type]),
      [['DE8ACC999999991', 'eMAID']],
    )
  })

  it('answers the group id token, and a blocked group blocks its members', async () => {
    await store({ idToken: 'FLEET-1', type: 'Central' })
    await store({
      idToken: 'AABBCCDD',
      type: 'ISO14443',
      groupIdToken: { idToken: 'FLEET-1', type: 'Central' },
    })
    const member = await authorize('AABBCCDD', 'ISO14443')
    assert.equal(member.status, 'Accepted')
    assert.deepEqual(member.groupIdToken, { idToken: 'FLEET-1', type: 'Central' })
    await store({ idToken: 'FLEET-1', type: 'Central', status: 'Blocked' })
    assert.equal((await authorize('AABBCCDD', 'ISO14443')).status, 'Blocked')
  })

  it('accepts unknown tokens only at a station set to free vend', async () => {
    assert.equal((await authorize('WALK-IN', 'Central', 'CS-FREE')).status, 'Unknown')
    const policy = await callRpc(h.nc, setStationAuthPolicyRpc, {
      stationId: 'CS-FREE',
      acceptUnknownIdTokens: true,
    })
    assert.deepEqual(policy, {
      stationId: 'CS-FREE',
      acceptUnknownIdTokens: true,
      effectiveAcceptUnknownIdTokens: true,
    })
    const before = Date.now()
    const walkIn = await authorize('WALK-IN', 'Central', 'CS-FREE')
    assert.equal(walkIn.status, 'Accepted')
    // Bounded like any acceptance: a station does not keep it once free vend ends.
    const expiry = Date.parse(walkIn.cacheExpiryDateTime ?? '')
    assert.ok(expiry >= before + TTL_S * 1000 - 1000 && expiry <= Date.now() + TTL_S * 1000 + 1000)
    assert.equal((await authorize('WALK-IN', 'Central', 'CS-PAID')).status, 'Unknown')
    // A stored, blocked token stays blocked even at a free-vend station.
    await store({ idToken: 'BANNED', type: 'Central', status: 'Blocked' })
    assert.equal((await authorize('BANNED', 'Central', 'CS-FREE')).status, 'Blocked')
  })

  it('answers a malformed ISO14443 UID Invalid (no CALLERROR), matches hex UIDs in any case, refuses to store one', async () => {
    await store({ idToken: 'a1b2c3d4', type: 'ISO14443' })
    assert.equal((await authorize('A1B2C3D4', 'ISO14443')).status, 'Accepted')
    assert.equal((await authorize('a1b2c3d4', 'ISO14443')).status, 'Accepted')
    for (const malformed of ['A1B2C3', 'A1B2C3D4E5', 'ZZZZZZZZ']) {
      const reply = await h.call('v201', 'Authorize', 'CS-A', {
        idToken: { idToken: malformed, type: 'ISO14443' },
      })
      assert.deepEqual(reply, { ok: true, payload: { idTokenInfo: { status: 'Invalid' } } }, malformed)
    }
    await assert.rejects(store({ idToken: 'A1B2C3', type: 'ISO14443' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'invalid_input')
      assert.match(e.message, /8 or 14 hex digits/)
      return true
    })
  })

  it('never stores a token without a status', async () => {
    await assert.rejects(
      callRpc(h.nc, upsertIdTokenRpc, { idToken: 'NO-STATUS', type: 'Central' } as UpsertIdTokenRequest),
      (e: Error & { code?: string }) => e.code === 'invalid_input',
    )
    assert.equal((await authorize('NO-STATUS', 'Central')).status, 'Unknown')
  })

  it('answers OCPP 2.1 and 1.6 Authorize from the same tokens', async () => {
    await store({
      idToken: 'C0FFEE01',
      type: 'ISO14443',
      groupIdToken: { idToken: 'PARENT-16', type: 'Central' },
    })
    assert.equal((await authorize('C0FFEE01', 'ISO14443', 'CS-21', 'v21')).status, 'Accepted')
    const v16 = await h.ok<{ idTagInfo: Record<string, unknown> }>('v16', 'Authorize', 'CS-16', {
      idTag: 'c0ffee01',
    })
    assert.equal(v16.idTagInfo.status, 'Accepted')
    assert.equal(v16.idTagInfo.parentIdTag, 'PARENT-16')
    assert.equal(typeof v16.idTagInfo.expiryDate, 'string')
    // 1.6 has no Unknown or NoCredit: both become Invalid.
    assert.deepEqual(await h.ok('v16', 'Authorize', 'CS-16', { idTag: 'NEVER-SEEN' }), {
      idTagInfo: { status: 'Invalid' },
    })
    await store({ idToken: 'BROKE', type: 'Central', status: 'NoCredit' })
    assert.equal(
      (await h.ok<{ idTagInfo: { status: string } }>('v16', 'Authorize', 'CS-16', { idTag: 'BROKE' }))
        .idTagInfo.status,
      'Invalid',
    )
    // The transaction service forwards a 1.6 idTag as type IdTag16.
    const fromTx = await callRpc(h.nc, authorizeIdTokenRpc, {
      idToken: 'C0FFEE01',
      type: 'IdTag16',
      stationId: 'CS-16',
    })
    assert.equal(fromTx.status, 'Accepted')
  })

  it('leaves out of a 2.0.1 answer a group only 2.1 can express (another type, more than 36 characters)', async () => {
    const long = { idToken: 'G'.repeat(40), type: 'Central' }
    const fleet = { idToken: 'FLEET-1', type: 'Fleet' }
    await store({ idToken: 'GROUPED-LONG', type: 'Central', groupIdToken: long })
    await store({ idToken: 'GROUPED-FLEET', type: 'Central', groupIdToken: fleet })
    for (const [idToken, group] of [
      ['GROUPED-LONG', long],
      ['GROUPED-FLEET', fleet],
    ] as const) {
      const v201 = await authorize(idToken, 'Central')
      assert.equal(v201.status, 'Accepted')
      assert.equal(v201.groupIdToken, undefined, idToken)
      assert.deepEqual((await authorize(idToken, 'Central', 'CS-21', 'v21')).groupIdToken, group)
    }
  })

  it('reads, lists and deletes tokens', async () => {
    await store({ idToken: 'LIST-1', type: 'Central' })
    await store({ idToken: 'LIST-1', type: 'Local' })
    const both = await callRpc(h.nc, getIdTokenRpc, { idToken: 'LIST-1' })
    assert.deepEqual(
      both.tokens.map((t) => t.type),
      ['Central', 'Local'],
    )
    const first = await callRpc(h.nc, listIdTokensRpc, { limit: 2 })
    assert.equal(first.tokens.length, 2)
    assert.ok(first.next)
    const second = await callRpc(h.nc, listIdTokensRpc, { limit: 2, after: first.next })
    assert.notDeepEqual(second.tokens[0], first.tokens[0])
    assert.deepEqual(await callRpc(h.nc, deleteIdTokenRpc, { idToken: 'LIST-1', type: 'Local' }), {
      deleted: 1,
    })
    assert.deepEqual(await callRpc(h.nc, deleteIdTokenRpc, { idToken: 'LIST-1' }), { deleted: 1 })
    assert.equal((await authorize('LIST-1', 'Central')).status, 'Unknown')
  })
})
