import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import {
  assertGuarded,
  callAs,
  callsOf,
  jsonOf,
  problemOf,
  queryRows,
  useApiPlatform,
} from './operator-api-support.js'
import type { E2ePlatform } from './platform-fixture.js'
import { TestStation } from './station-client.js'

type IdTokenView = {
  idToken: string
  type: string
  status: string
  expiresAt: string | null
  groupIdToken: { idToken: string; type: string } | null
  stationIds: string[] | null
  localListStationIds: string[]
}
type LocalList = {
  stationId: string
  version: number
  idTokens: Array<{ idToken: string; type: string }>
  pendingChanges: number
  lastSyncStatus: string | null
}

describe('operator API: ID tokens, local lists, free vend, password rotation', () => {
  let platform: E2ePlatform
  let reader: string
  let commander: string
  const station = useApiPlatform(
    () => ({
      CSMS_API_COMMAND_TIMEOUT_MS: '2000',
      CSMS_AUTH_STATION_CALL_TIMEOUT_MS: '2000',
    }),
    (s) => ({ platform, reader, commander } = s),
  )
  const put = (path: string, body: unknown) =>
    platform.api(path, { method: 'PUT', body: JSON.stringify(body) })
  const get = (path: string) => callAs(platform, reader, path)

  it('guards the ID token routes: no token, a wrong token, too small a scope', async () => {
    const body = { method: 'PUT', body: JSON.stringify({ type: 'Central', status: 'Accepted' }) }
    await assertGuarded(platform, '/v1/id-tokens/G-1', body, { token: commander, needs: 'admin' })
    await assertGuarded(platform, '/v1/id-tokens/G-1', {}, undefined)
    await assertGuarded(
      platform,
      '/v1/id-tokens/G-1',
      { method: 'DELETE' },
      { token: commander, needs: 'admin' },
    )
    await assertGuarded(platform, '/v1/id-tokens', {}, undefined)
    const list = { method: 'PUT', body: JSON.stringify({ idTokens: [] }) }
    await assertGuarded(platform, '/v1/stations/G-1/local-list', list, { token: commander, needs: 'admin' })
    await assertGuarded(platform, '/v1/stations/G-1/local-list', {}, undefined)
    const sync = { method: 'POST', body: '{}' }
    await assertGuarded(platform, '/v1/stations/G-1/local-list/sync', sync, {
      token: commander,
      needs: 'admin',
    })
    const policy = { method: 'PUT', body: JSON.stringify({ acceptUnknownIdTokens: true }) }
    await assertGuarded(platform, '/v1/stations/G-1/authorization-policy', policy, {
      token: reader,
      needs: 'admin',
    })
    await assertGuarded(platform, '/v1/stations/G-1/authorization-policy', {}, undefined)
    const rotate = { method: 'POST', body: '{}' }
    await assertGuarded(platform, '/v1/stations/G-1/password-rotation', rotate, {
      token: commander,
      needs: 'admin',
    })
    // Nothing was stored by the refused requests.
    await problemOf(await get('/v1/id-tokens/G-1'), 404)
    assert.deepEqual(
      await queryRows(platform, `select station_id from auth.station_auth where station_id = 'G-1'`),
      [],
    )
  })

  it('stores an ID token (201, then 200), normalises a hex UID, reads, lists and deletes it', async () => {
    const created = await jsonOf<IdTokenView>(
      await put('/v1/id-tokens/04a1b2c3', {
        type: 'ISO14443',
        status: 'Accepted',
        expiresAt: '2030-01-01T00:00:00Z',
        groupIdToken: { idToken: 'FLEET-A', type: 'Central' },
        stationIds: ['ST-1'],
      }),
      201,
    )
    assert.deepEqual(
      [
        created.idToken,
        created.type,
        created.status,
        created.expiresAt,
        created.groupIdToken,
        created.stationIds,
      ],
      [
        '04A1B2C3',
        'ISO14443',
        'Accepted',
        '2030-01-01T00:00:00.000Z',
        { idToken: 'FLEET-A', type: 'Central' },
        ['ST-1'],
      ],
    )
    const updated = await jsonOf<IdTokenView>(
      await put('/v1/id-tokens/04A1B2C3', { type: 'ISO14443', status: 'Blocked' }),
      200,
    )
    assert.equal(updated.status, 'Blocked')
    assert.deepEqual(
      await queryRows(
        platform,
        `select id_token, type, status from auth.id_tokens where id_token ilike '04a1b2c3'`,
      ),
      [{ id_token: '04A1B2C3', type: 'ISO14443', status: 'Blocked' }],
    )

    // Read in either case, and with its type.
    for (const path of ['/v1/id-tokens/04a1b2c3', '/v1/id-tokens/04A1B2C3?type=ISO14443']) {
      const read = await jsonOf<IdTokenView>(await get(path), 200)
      assert.deepEqual([read.idToken, read.status], ['04A1B2C3', 'Blocked'])
    }
    await problemOf(await get('/v1/id-tokens/04A1B2C3?type=Central'), 404)
    const unknown = await problemOf(await get('/v1/id-tokens/NOBODY-1'), 404)
    assert.match(unknown.detail ?? '', /NOBODY-1 is not known/)

    // A page of one at a time walks every token once.
    await jsonOf(await put('/v1/id-tokens/PAGE-2', { type: 'Central', status: 'Accepted' }), 201)
    const seen: string[] = []
    let after: string | null = null
    do {
      const query: string = after === null ? '' : `&after=${encodeURIComponent(after)}`
      const page: { items: IdTokenView[]; next: string | null } = await jsonOf(
        await get(`/v1/id-tokens?limit=1${query}`),
        200,
      )
      assert.ok(page.items.length <= 1)
      seen.push(...page.items.map((t) => `${t.type}:${t.idToken}`))
      after = page.next
    } while (after !== null)
    assert.deepEqual(seen, ['ISO14443:04A1B2C3', 'Central:PAGE-2'])
    const badCursor = await problemOf(await get('/v1/id-tokens?after=not-a-cursor'), 400)
    assert.match(badCursor.detail ?? '', /not a cursor/)
    assert.equal((await problemOf(await get('/v1/id-tokens?limit=0'), 400)).errors?.[0]?.path, 'limit')

    assert.equal((await platform.api('/v1/id-tokens/04A1B2C3', { method: 'DELETE' })).status, 204)
    await problemOf(await get('/v1/id-tokens/04A1B2C3'), 404)
    assert.deepEqual(
      await queryRows(platform, `select id_token from auth.id_tokens where id_token = '04A1B2C3'`),
      [],
    )
    await problemOf(await platform.api('/v1/id-tokens/04A1B2C3', { method: 'DELETE' }), 404)
  })

  it('deletes a hex UID named in lower case, as GET finds it', async () => {
    await jsonOf(await put('/v1/id-tokens/04b1c2d3', { type: 'ISO14443', status: 'Accepted' }), 201)
    assert.equal((await jsonOf<IdTokenView>(await get('/v1/id-tokens/04b1c2d3'), 200)).idToken, '04B1C2D3')
    assert.equal((await platform.api('/v1/id-tokens/04b1c2d3', { method: 'DELETE' })).status, 204)
    await problemOf(await get('/v1/id-tokens/04B1C2D3'), 404)
  })

  it('refuses an invalid ID token with 400 naming the field or the format', async () => {
    for (const [body, field] of [
      [{ type: 'Central', status: 'Happy' }, 'status'],
      [{ status: 'Accepted' }, 'type'],
      [{ type: 'Central', status: 'Accepted', expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ type: 'Central', status: 'Accepted', chargingPriority: 10 }, 'chargingPriority'],
    ] as const) {
      const problem = await problemOf(await put('/v1/id-tokens/BAD-1', body), 400)
      assert.equal(problem.errors?.[0]?.path, field, JSON.stringify(body))
    }
    await problemOf(
      await put('/v1/id-tokens/BAD-1', { type: 'Central', status: 'Accepted', color: 'red' }),
      400,
    )
    // Schema-valid, but no ISO14443 UID has this shape: refused by the auth service.
    const shape = await problemOf(
      await put('/v1/id-tokens/XYZ', { type: 'ISO14443', status: 'Accepted' }),
      400,
    )
    assert.match(shape.detail ?? '', /8 or 14 hex digits/)
    assert.deepEqual(
      await queryRows(platform, `select id_token from auth.id_tokens where id_token in ('BAD-1', 'XYZ')`),
      [],
    )
  })

  it('asks which type when one value is stored under several, and deletes one type on request', async () => {
    await jsonOf(await put('/v1/id-tokens/TWIN-1', { type: 'Central', status: 'Accepted' }), 201)
    await jsonOf(await put('/v1/id-tokens/TWIN-1', { type: 'Local', status: 'Blocked' }), 201)
    const ambiguous = await problemOf(await get('/v1/id-tokens/TWIN-1'), 409)
    assert.match(ambiguous.detail ?? '', /Central, Local/)
    const local = await jsonOf<IdTokenView>(await get('/v1/id-tokens/TWIN-1?type=Local'), 200)
    assert.deepEqual([local.type, local.status], ['Local', 'Blocked'])

    assert.equal((await platform.api('/v1/id-tokens/TWIN-1?type=Local', { method: 'DELETE' })).status, 204)
    const left = await jsonOf<IdTokenView>(await get('/v1/id-tokens/TWIN-1'), 200)
    assert.equal(left.type, 'Central')
  })

  it("replaces a station's local list, sends it to the station, and syncs on request", async () => {
    const s = await station('LL-1')
    let stationVersion = 0
    s.answer = (action, payload) => {
      if (action === 'GetLocalListVersion') return { result: { versionNumber: stationVersion } }
      if (action === 'SendLocalList') {
        stationVersion = (payload as { versionNumber: number }).versionNumber
        return { result: { status: 'Accepted' } }
      }
      return { error: 'NotSupported' }
    }
    await problemOf(await get('/v1/stations/LL-1/local-list'), 404)
    await jsonOf(await put('/v1/id-tokens/LL-TOKEN-1', { type: 'Central', status: 'Accepted' }), 201)
    await jsonOf(await put('/v1/id-tokens/LL-TOKEN-2', { type: 'Central', status: 'Accepted' }), 201)

    const unknown = await problemOf(
      await put('/v1/stations/LL-1/local-list', { idTokens: [{ idToken: 'NOT-STORED', type: 'Central' }] }),
      400,
    )
    assert.match(unknown.detail ?? '', /unknown idTokens/)
    await problemOf(await put('/v1/stations/LL-1/local-list', { idTokens: [{ idToken: 'LL-TOKEN-1' }] }), 400)
    await problemOf(await get('/v1/stations/LL-1/local-list'), 404)

    const stored = await jsonOf<LocalList>(
      await put('/v1/stations/LL-1/local-list', {
        idTokens: [
          { idToken: 'LL-TOKEN-1', type: 'Central' },
          { idToken: 'LL-TOKEN-2', type: 'Central' },
        ],
      }),
      200,
    )
    assert.equal(stored.stationId, 'LL-1')
    assert.deepEqual(stored.idTokens.map((t) => t.idToken).sort(), ['LL-TOKEN-1', 'LL-TOKEN-2'])

    // The change goes to the station in the background: one SendLocalList with both tokens.
    const synced = await waitFor(
      async () => {
        const list = await jsonOf<LocalList>(await get('/v1/stations/LL-1/local-list'), 200)
        return list.pendingChanges === 0 && list.version > 0 ? list : undefined
      },
      { timeoutMs: 15_000, description: 'the local list to reach the station' },
    )
    assert.equal(synced.version, stationVersion)
    const sent = callsOf(s, 'SendLocalList') as Array<{
      versionNumber: number
      localAuthorizationList?: Array<{ idToken: { idToken: string } }>
    }>
    assert.deepEqual(
      sent.flatMap((m) => m.localAuthorizationList?.map((e) => e.idToken.idToken) ?? []).sort(),
      ['LL-TOKEN-1', 'LL-TOKEN-2'],
    )
    const byToken = await jsonOf<IdTokenView>(await get('/v1/id-tokens/LL-TOKEN-1'), 200)
    assert.deepEqual(byToken.localListStationIds, ['LL-1'])

    // In sync: nothing to send. A full sync sends the whole list again under a new version.
    const inSync = await jsonOf<{ outcome: string; sent: unknown[] }>(
      await platform.api('/v1/stations/LL-1/local-list/sync', { method: 'POST', body: '{}' }),
      200,
    )
    assert.deepEqual([inSync.outcome, inSync.sent], ['InSync', []])
    const full = await jsonOf<{ outcome: string; version: number; sent: Array<{ updateType: string }> }>(
      await platform.api('/v1/stations/LL-1/local-list/sync', { method: 'POST', body: '{"full":true}' }),
      200,
    )
    assert.equal(full.outcome, 'Accepted')
    assert.deepEqual(
      full.sent.map((m) => m.updateType),
      ['Full'],
    )
    assert.equal(full.version, stationVersion)
    assert.ok(full.version > synced.version)
    await problemOf(
      await platform.api('/v1/stations/LL-1/local-list/sync', { method: 'POST', body: '{"full":1}' }),
      400,
    )

    // A station without a list has nothing to sync; an offline one is reported as such.
    const none = await jsonOf<{ outcome: string }>(
      await platform.api('/v1/stations/LL-NONE/local-list/sync', { method: 'POST', body: '{}' }),
      200,
    )
    assert.equal(none.outcome, 'NoList')
    await jsonOf(
      await put('/v1/stations/LL-NEVER/local-list', {
        idTokens: [{ idToken: 'LL-TOKEN-1', type: 'Central' }],
      }),
      200,
    )
    // The PUT started a sync in the background; while it runs, a sync on request answers Busy.
    let offline = { outcome: 'Busy' }
    await waitFor(
      async () => {
        offline = await jsonOf<{ outcome: string }>(
          await platform.api('/v1/stations/LL-NEVER/local-list/sync', { method: 'POST', body: '{}' }),
          200,
        )
        return offline.outcome !== 'Busy'
      },
      { timeoutMs: 20_000, intervalMs: 250, description: 'the background sync of LL-NEVER to end' },
    )
    assert.equal(offline.outcome, 'Offline')
  })

  it("sets a station's free-vend policy and it decides an unknown token's Authorize", async () => {
    const s = await station('FV-1')
    const authorize = async () => {
      const reply = await s.call('Authorize', { idToken: { idToken: 'NOBODY-KNOWS', type: 'Central' } })
      assert.equal(reply[0], 3)
      return (reply[2] as { idTokenInfo: { status: string } }).idTokenInfo.status
    }
    // The platform's default accepts unknown tokens (CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS=true).
    assert.deepEqual(await jsonOf(await get('/v1/stations/FV-1/authorization-policy'), 200), {
      stationId: 'FV-1',
      acceptUnknownIdTokens: null,
      effectiveAcceptUnknownIdTokens: true,
    })
    assert.equal(await authorize(), 'Accepted')

    assert.deepEqual(
      await jsonOf(
        await put('/v1/stations/FV-1/authorization-policy', { acceptUnknownIdTokens: false }),
        200,
      ),
      { stationId: 'FV-1', acceptUnknownIdTokens: false, effectiveAcceptUnknownIdTokens: false },
    )
    assert.deepEqual(
      await queryRows(
        platform,
        `select accept_unknown_id_tokens from auth.station_auth where station_id = 'FV-1'`,
      ),
      [{ accept_unknown_id_tokens: false }],
    )
    assert.equal(await authorize(), 'Unknown')
    assert.equal(
      (
        (await jsonOf(await get('/v1/stations/FV-1/authorization-policy'), 200)) as {
          acceptUnknownIdTokens: boolean
        }
      ).acceptUnknownIdTokens,
      false,
    )

    const bad = await problemOf(
      await put('/v1/stations/FV-1/authorization-policy', { acceptUnknownIdTokens: 'yes' }),
      400,
    )
    assert.equal(bad.errors?.[0]?.path, 'acceptUnknownIdTokens')
    await problemOf(await put('/v1/stations/FV-1/authorization-policy', {}), 400)
  })

  it("rotates a station's password: confirmed, then only the new one opens a socket", async (t) => {
    const oldPassword = 'rotation-old-password-1'
    await jsonOf(await put('/v1/stations/PW-1', { password: oldPassword }), 200)
    const s = await station('PW-1', oldPassword)
    s.answer = (action, payload) =>
      action === 'SetVariables'
        ? {
            result: {
              setVariableResult: (
                payload as { setVariableData: Array<Record<string, unknown>> }
              ).setVariableData.map((d) => ({
                attributeStatus: 'Accepted',
                component: d.component,
                variable: d.variable,
              })),
            },
          }
        : { error: 'NotSupported' }

    const newPassword = 'rotation-new-password-2'
    const rotated = await jsonOf<{ stationId: string; status: string; password?: string }>(
      await platform.api('/v1/stations/PW-1/password-rotation', {
        method: 'POST',
        body: JSON.stringify({ password: newPassword }),
      }),
      200,
    )
    assert.deepEqual([rotated.stationId, rotated.status, rotated.password], ['PW-1', 'confirmed', undefined])
    const [sent] = callsOf(s, 'SetVariables') as Array<{
      setVariableData: Array<{
        attributeValue: string
        component: { name: string }
        variable: { name: string }
      }>
    }>
    assert.deepEqual(
      sent?.setVariableData.map((d) => [d.component.name, d.variable.name, d.attributeValue]),
      [['SecurityCtrlr', 'BasicAuthPassword', newPassword]],
    )
    await s.close()
    await assert.rejects(TestStation.connect(platform.gatewayUrl, 'PW-1', { password: oldPassword }), /401/)
    const again = await TestStation.connect(platform.gatewayUrl, 'PW-1', { password: newPassword })
    t.after(() => again.close())

    // Without a password one is generated and shown once; a CALLERROR leaves the old one.
    again.answer = () => ({ error: 'NotSupported' })
    const refused = await jsonOf<{ status: string; detail?: string }>(
      await platform.api('/v1/stations/PW-1/password-rotation', { method: 'POST', body: '{}' }),
      200,
    )
    assert.equal(refused.status, 'rejected')
    assert.match(refused.detail ?? '', /NotSupported/)

    const short = await problemOf(
      await platform.api('/v1/stations/PW-1/password-rotation', {
        method: 'POST',
        body: '{"password":"short"}',
      }),
      400,
    )
    assert.equal(short.errors?.[0]?.path, 'password')
    const unregistered = await problemOf(
      await platform.api('/v1/stations/PW-NOBODY/password-rotation', { method: 'POST', body: '{}' }),
      404,
    )
    assert.match(unregistered.detail ?? '', /not registered/)
    await jsonOf(await put('/v1/stations/PW-TLS', { securityProfile: 3 }), 200)
    const tls = await problemOf(
      await platform.api('/v1/stations/PW-TLS/password-rotation', { method: 'POST', body: '{}' }),
      400,
    )
    assert.match(tls.detail ?? '', /client certificates/)
  })
})
