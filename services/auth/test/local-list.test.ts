import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  commandRpc,
  getLocalListRpc,
  putLocalListRpc,
  syncLocalListRpc,
  type UpsertIdTokenRequest,
  upsertIdTokenRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { type Harness, startHarness } from './support/harness.js'
import { type ListStation, listStation } from './support/list-station.js'

describe('local authorization lists over real NATS and PostgreSQL', () => {
  let h: Harness
  const stations: ListStation[] = []
  before(async () => {
    h = await startHarness({ CSMS_AUTH_LOCAL_LIST_ITEMS_PER_MESSAGE: '3' })
  })
  after(async () => {
    for (const s of stations) s.stop()
    await h?.stop()
  })

  const station = (id: string, v16 = false) => {
    const s = listStation(h.nc, id, { v16 })
    stations.push(s)
    return s
  }
  const store = (token: Partial<UpsertIdTokenRequest> & { idToken: string }) =>
    callRpc(h.nc, upsertIdTokenRpc, { type: 'Central', status: 'Accepted', ...token })
  const list = async (id: string) => (await callRpc(h.nc, getLocalListRpc, { stationId: id })).list
  const holds = (s: ListStation, expected: Record<string, string>, version?: number) =>
    waitFor(
      () =>
        JSON.stringify(Object.fromEntries([...s.state.entries].sort())) === JSON.stringify(expected) &&
        (version === undefined || s.state.version === version),
      { timeoutMs: 20_000, description: `station list ${JSON.stringify(expected)} v${version}` },
    )
  // A background sync may still hold the station's lease for a moment: Busy means "ask again".
  const syncNow = (stationId: string, full?: boolean) =>
    waitFor(
      async () => {
        const r = await callRpc(
          h.nc,
          syncLocalListRpc,
          { stationId, ...(full ? { full } : {}) },
          { timeoutMs: 20_000 },
        )
        return r.outcome === 'Busy' ? undefined : r
      },
      { timeoutMs: 20_000, description: `a sync of ${stationId} that is not Busy` },
    )
  const synced = (id: string) =>
    waitFor(async () => (await list(id))?.pendingChanges === 0, {
      timeoutMs: 20_000,
      description: `${id} in sync`,
    })

  it('sends differential updates as tokens join, change and leave a station list', async () => {
    const s = station('LL-1')
    await h.online('LL-1')
    await store({ idToken: 'T1', localListStationIds: ['LL-1'] })
    await store({ idToken: 'T2', localListStationIds: ['LL-1'] })
    await holds(s, { 'Central:T1': 'Accepted', 'Central:T2': 'Accepted' })
    await synced('LL-1')
    await store({ idToken: 'T1', status: 'Blocked' })
    await holds(s, { 'Central:T1': 'Blocked', 'Central:T2': 'Accepted' })
    await store({ idToken: 'T2', localListStationIds: [] })
    await holds(s, { 'Central:T1': 'Blocked' })
    await synced('LL-1')
    const updates = s.calls.filter((c) => c.action === 'SendLocalList')
    assert.ok(
      updates.every((u) => u.payload.updateType === 'Differential'),
      'no full update was needed',
    )
    assert.deepEqual(
      updates.map((u) => u.payload.versionNumber),
      updates.map((_, i) => i + 1),
      'each update carries the next version',
    )
    const view = await list('LL-1')
    assert.equal(view?.version, s.state.version)
    assert.deepEqual(view?.idTokens, [{ idToken: 'T1', type: 'Central' }])
    // Deleting the token removes it from the station's list too.
    const { deleteIdTokenRpc } = await import('@csms/bus')
    await callRpc(h.nc, deleteIdTokenRpc, { idToken: 'T1' })
    await holds(s, {})
  })

  it('reconciles after a boot: a station that lost its list gets a full update, one in step gets none', async () => {
    const s = station('LL-2')
    await h.online('LL-2')
    await callRpc(h.nc, putLocalListRpc, { stationId: 'LL-2', idTokens: [] })
    await store({ idToken: 'R1', localListStationIds: ['LL-2'] })
    await store({ idToken: 'R2', localListStationIds: ['LL-2'] })
    await holds(s, { 'Central:R1': 'Accepted', 'Central:R2': 'Accepted' })
    await synced('LL-2')
    const before = (await list('LL-2'))?.version ?? 0

    s.reset(0)
    await h.connected('LL-2')
    await holds(s, { 'Central:R1': 'Accepted', 'Central:R2': 'Accepted' }, before + 1)
    const last = s.calls.filter((c) => c.action === 'SendLocalList').at(-1)
    assert.equal(last?.payload.updateType, 'Full')
    await waitFor(async () => (await list('LL-2'))?.version === before + 1, {
      timeoutMs: 20_000,
      description: 'the CSMS records the version the station confirmed',
    })

    const sends = s.calls.filter((c) => c.action === 'SendLocalList').length
    const result = await syncNow('LL-2')
    assert.deepEqual([result.outcome, result.version, result.sent], ['InSync', before + 1, []])
    assert.equal(s.calls.filter((c) => c.action === 'SendLocalList').length, sends)
  })

  it('answers a VersionMismatch with the station version read back and a full update above it', async () => {
    const s = station('LL-3')
    await h.online('LL-3')
    await store({ idToken: 'V1', localListStationIds: ['LL-3'] })
    await holds(s, { 'Central:V1': 'Accepted' }, 1)
    await synced('LL-3')
    // Someone else sent this station a list of version 50.
    s.state.version = 50
    await store({ idToken: 'V1', status: 'Expired' })
    await holds(s, { 'Central:V1': 'Expired' }, 51)
    const sent = s.calls
      .filter((c) => c.action === 'SendLocalList')
      .map((c) => [c.payload.updateType, c.payload.versionNumber])
    assert.deepEqual(sent.slice(-2), [
      ['Differential', 2],
      ['Full', 51],
    ])
    await waitFor(async () => (await list('LL-3'))?.version === 51, { timeoutMs: 20_000 })
  })

  it('splits a long list into messages of ItemsPerMessage, Full first', async () => {
    const s = station('LL-4')
    await h.online('LL-4')
    const tokens = Array.from({ length: 7 }, (_, i) => ({ idToken: `BULK-${i}`, type: 'Central' }))
    for (const t of tokens) await store({ idToken: t.idToken })
    await callRpc(h.nc, putLocalListRpc, { stationId: 'LL-4', idTokens: tokens })
    const expected = Object.fromEntries(tokens.map((t) => [`Central:${t.idToken}`, 'Accepted']))
    await holds(s, expected)
    await synced('LL-4')
    const full = await syncNow('LL-4', true)
    assert.equal(full.outcome, 'Accepted')
    assert.deepEqual(
      full.sent.map((m) => m.updateType),
      ['Full', 'Differential', 'Differential'],
    )
    const fulls = s.calls.filter((c) => c.action === 'SendLocalList' && c.payload.updateType === 'Full')
    assert.equal((fulls.at(-1)?.payload.localAuthorizationList as unknown[] | undefined)?.length, 3)
    await holds(s, expected, full.version)
  })

  it('keeps the changes of an offline station and sends them when it connects again', async () => {
    await h.online('LL-5')
    await store({ idToken: 'OFF-1', localListStationIds: ['LL-5'] })
    await waitFor(async () => (await list('LL-5'))?.lastSyncStatus === 'Offline', {
      timeoutMs: 20_000,
      description: 'sync found LL-5 offline',
    })
    assert.equal((await list('LL-5'))?.pendingChanges, 1)
    const s = station('LL-5')
    await h.connected('LL-5')
    await holds(s, { 'Central:OFF-1': 'Accepted' })
    await synced('LL-5')
  })

  it('tells the stations of a group member when the group changes, whatever case names it', async () => {
    const s = station('LL-G')
    await h.online('LL-G')
    await store({ idToken: 'Fleet-LL', status: 'Accepted' })
    await store({
      idToken: 'DRIVER-1',
      groupIdToken: { idToken: 'FLEET-LL', type: 'Central' },
      localListStationIds: ['LL-G'],
    })
    await holds(s, { 'Central:DRIVER-1': 'Accepted' })
    await synced('LL-G')
    const groupExpiry = new Date(Date.now() + 3_600_000).toISOString()
    await store({ idToken: 'fleet-ll', status: 'Blocked', expiresAt: groupExpiry })
    await holds(s, { 'Central:DRIVER-1': 'Blocked' })
    await store({ idToken: 'FLEET-LL', status: 'Accepted', expiresAt: groupExpiry })
    await holds(s, { 'Central:DRIVER-1': 'Accepted' })
    const last = s.calls.filter((c) => c.action === 'SendLocalList').at(-1)
    const sent = (last?.payload.localAuthorizationList ?? []) as Array<{
      idTokenInfo?: Record<string, unknown>
    }>
    const [entry] = sent
    assert.equal(entry?.idTokenInfo?.cacheExpiryDateTime, groupExpiry, "the group's expiry bounds the entry")
    assert.deepEqual(entry?.idTokenInfo?.groupIdToken, { idToken: 'FLEET-LL', type: 'Central' })
  })

  it('puts a token on a list by any case of its value, in the case it was stored', async () => {
    const s = station('LL-CI')
    await h.online('LL-CI')
    await store({ idToken: 'Mixed-Case-1' })
    await store({ idToken: 'aabbccdd', type: 'ISO14443' })
    const { list: view } = await callRpc(h.nc, putLocalListRpc, {
      stationId: 'LL-CI',
      idTokens: [
        { idToken: 'MIXED-CASE-1', type: 'Central' },
        { idToken: 'AaBbCcDd', type: 'ISO14443' },
      ],
    })
    assert.deepEqual(view.idTokens, [
      { idToken: 'AABBCCDD', type: 'ISO14443' },
      { idToken: 'Mixed-Case-1', type: 'Central' },
    ])
    await holds(s, { 'Central:Mixed-Case-1': 'Accepted', 'ISO14443:AABBCCDD': 'Accepted' })
    // An update through another case reaches the entry.
    await store({ idToken: 'mixed-case-1', status: 'Blocked' })
    await holds(s, { 'Central:Mixed-Case-1': 'Blocked', 'ISO14443:AABBCCDD': 'Accepted' })
  })

  it('sends 1.6 stations idTag lists', async () => {
    const s = station('LL-16', true)
    await h.online('LL-16', 'ocpp1.6')
    await store({ idToken: 'AABB0011', type: 'ISO14443', localListStationIds: ['LL-16'] })
    await store({ idToken: 'NOPE', status: 'NoCredit', localListStationIds: ['LL-16'] })
    await holds(s, { AABB0011: 'Accepted', NOPE: 'Invalid' })
    assert.ok(
      s.calls
        .filter((c) => c.action === 'SendLocalList')
        .every((c) => typeof c.payload.listVersion === 'number'),
    )
  })

  it('sends ClearCache on an operator request', async () => {
    const s = station('LL-7')
    const result = await callRpc(
      h.nc,
      commandRpc('auth'),
      { stationId: 'LL-7', version: 'v201', action: 'ClearCache', payload: {} },
      { timeoutMs: 10_000 },
    )
    assert.deepEqual(result, { ok: true, payload: { status: 'Accepted' } })
    assert.deepEqual(
      s.calls.map((c) => c.action),
      ['ClearCache'],
    )
  })
})
