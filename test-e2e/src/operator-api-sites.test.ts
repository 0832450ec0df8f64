import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import { assertGuarded, callAs, callsOf, jsonOf, problemOf, useApiPlatform } from './operator-api-support.js'
import type { E2ePlatform } from './platform-fixture.js'

type NodeView = {
  id: string
  siteId: string
  parentId: string | null
  name: string | null
  limitW: number | null
}
type SiteView = NodeView & { groups: NodeView[] }

const aProfile = (id: number) => ({
  id,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Absolute',
  chargingSchedule: [
    {
      id: 1,
      startSchedule: new Date().toISOString(),
      chargingRateUnit: 'A',
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
    },
  ],
})

// The routes of services/api that no other test drives: groups inside sites, station placement,
// priority rules, external charging limits, charging-profile reports, security events and
// display messages.
describe('operator API: groups, placements, priorities, charging limits and reports, device records', () => {
  let platform: E2ePlatform
  let reader: string
  let commander: string
  const station = useApiPlatform(
    () => ({ CSMS_API_COMMAND_TIMEOUT_MS: '2000', CSMS_SC_PROFILE_TIMEOUT_MS: '2000' }),
    (s) => ({ platform, reader, commander } = s),
  )
  const put = (path: string, body: unknown) =>
    platform.api(path, { method: 'PUT', body: JSON.stringify(body) })
  const del = (path: string) => platform.api(path, { method: 'DELETE' })
  const get = (path: string) => callAs(platform, reader, path)
  const site = async (id: string) => jsonOf<SiteView>(await get(`/v1/sites/${id}`), 200)

  it('guards these routes: no token, a wrong token, too small a scope', async () => {
    const change = (method: string, body: unknown) => ({ method, body: JSON.stringify(body) })
    const admin = { token: commander, needs: 'admin' as const }
    await assertGuarded(platform, '/v1/sites/S/groups/G', change('PUT', {}), admin)
    await assertGuarded(platform, '/v1/sites/S/groups/G/limit', change('PUT', { limitW: 1 }), admin)
    await assertGuarded(platform, '/v1/sites/S/groups/G', { method: 'DELETE' }, admin)
    await assertGuarded(platform, '/v1/smart-charging/stations/X', change('PUT', {}), admin)
    await assertGuarded(platform, '/v1/smart-charging/priorities', {}, undefined)
    const rule = { match: 'station', value: 'X', priority: 1 }
    await assertGuarded(platform, '/v1/smart-charging/priorities/R', change('PUT', rule), admin)
    await assertGuarded(platform, '/v1/smart-charging/priorities/R', { method: 'DELETE' }, admin)
    await assertGuarded(platform, '/v1/stations/X/charging-profiles/report', change('POST', {}), admin)
    await assertGuarded(platform, '/v1/stations/X/charging-limits', {}, undefined)
    await assertGuarded(platform, '/v1/stations/X/security-events', {}, undefined)
    await assertGuarded(platform, '/v1/stations/X/display-messages', {}, undefined)
    await problemOf(await get('/v1/sites/S'), 404)
  })

  it('creates, nests, limits and deletes groups inside a site', async () => {
    await jsonOf(await put('/v1/sites/SITE-A', { limitW: 50_000 }), 200)
    const hall = await jsonOf<NodeView>(
      await put('/v1/sites/SITE-A/groups/HALL-1', { name: 'Hall 1', limitW: 20_000 }),
      200,
    )
    assert.deepEqual(
      [hall.id, hall.siteId, hall.parentId, hall.name, hall.limitW],
      ['HALL-1', 'SITE-A', 'SITE-A', 'Hall 1', 20_000],
    )
    const row = await jsonOf<NodeView>(
      await put('/v1/sites/SITE-A/groups/ROW-1', { parentId: 'HALL-1' }),
      200,
    )
    assert.deepEqual([row.siteId, row.parentId], ['SITE-A', 'HALL-1'])
    assert.deepEqual((await site('SITE-A')).groups.map((g) => g.id).sort(), ['HALL-1', 'ROW-1'])

    const limited = await jsonOf<{ node: NodeView }>(
      await put('/v1/sites/SITE-A/groups/HALL-1/limit', { limitW: 15_000 }),
      200,
    )
    assert.equal(limited.node.limitW, 15_000)
    assert.equal((await site('SITE-A')).groups.find((g) => g.id === 'HALL-1')?.limitW, 15_000)

    const loop = await problemOf(await put('/v1/sites/SITE-A/groups/HALL-1', { parentId: 'ROW-1' }), 400)
    assert.match(loop.detail ?? '', /loop/)
    assert.equal(
      (await problemOf(await put('/v1/sites/SITE-A/groups/HALL-2', { limitW: -1 }), 400)).errors?.[0]?.path,
      'limitW',
    )
    await problemOf(await put('/v1/sites/SITE-A/groups/HALL-1/limit', {}), 400)
    await problemOf(await put('/v1/sites/SITE-A/groups/HALL-2', { parentId: 'NO-SUCH-GROUP' }), 404)
    await problemOf(await put('/v1/sites/NO-SUCH-SITE/groups/HALL-9', {}), 404)
    await problemOf(await put('/v1/sites/SITE-A/groups/NO-SUCH-GROUP/limit', { limitW: 1 }), 404)
    const isSite = await problemOf(await put('/v1/sites/SITE-A/groups/SITE-A', {}), 409)
    assert.match(isSite.detail ?? '', /SITE-A is a site/)

    // Deleting a group deletes the groups inside it.
    assert.equal((await del('/v1/sites/SITE-A/groups/HALL-1')).status, 204)
    assert.deepEqual((await site('SITE-A')).groups, [])
    await problemOf(await del('/v1/sites/SITE-A/groups/HALL-1'), 404)
  })

  it("keeps a group route to its own site: another site's group or a site is not found there", async () => {
    await jsonOf(await put('/v1/sites/SITE-B', { limitW: 40_000 }), 200)
    await jsonOf(await put('/v1/sites/SITE-C', { limitW: 30_000 }), 200)
    await jsonOf(await put('/v1/sites/SITE-C/groups/HALL-C', {}), 200)

    // A parent in another site: refused, and nothing is stored in either site.
    await problemOf(await put('/v1/sites/SITE-B/groups/STRAY', { parentId: 'HALL-C' }), 404)
    assert.deepEqual(
      (await site('SITE-C')).groups.map((g) => g.id),
      ['HALL-C'],
    )
    assert.deepEqual((await site('SITE-B')).groups, [])

    // Another site's group, or another site, through SITE-B's group routes: 404, nothing changed.
    await problemOf(await put('/v1/sites/SITE-B/groups/HALL-C/limit', { limitW: 1 }), 404)
    await problemOf(await put('/v1/sites/SITE-B/groups/SITE-C/limit', { limitW: 1 }), 404)
    await problemOf(await del('/v1/sites/SITE-B/groups/HALL-C'), 404)
    await problemOf(await del('/v1/sites/SITE-B/groups/SITE-C'), 404)
    const c = await site('SITE-C')
    assert.deepEqual([c.limitW, c.groups.map((g) => [g.id, g.limitW])], [30_000, [['HALL-C', null]]])
  })

  it("places a station's EVSEs in a group", async () => {
    await jsonOf(await put('/v1/sites/SITE-P', { limitW: 22_000 }), 200)
    await jsonOf(await put('/v1/sites/SITE-P/groups/BAY-1', {}), 200)
    const placement = { nodeId: 'BAY-1', current: 'AC', phases: 3, maxCurrentA: 32 }
    assert.deepEqual(await jsonOf(await put('/v1/smart-charging/stations/SC-PLACED', placement), 200), {
      stationId: 'SC-PLACED',
      placement,
    })
    const unknown = await problemOf(
      await put('/v1/smart-charging/stations/SC-PLACED', { nodeId: 'NO-SUCH-GROUP' }),
      404,
    )
    assert.match(unknown.detail ?? '', /NO-SUCH-GROUP/)
    assert.equal(
      (await problemOf(await put('/v1/smart-charging/stations/SC-PLACED', { phases: 4 }), 400)).errors?.[0]
        ?.path,
      'phases',
    )
  })

  it('stores, lists and deletes priority rules', async () => {
    assert.deepEqual(await jsonOf(await get('/v1/smart-charging/priorities'), 200), { items: [] })
    const rule = {
      match: 'group',
      value: 'FLEET-A',
      priority: 5,
      windows: [{ start: '22:00', end: '06:00' }],
    }
    assert.deepEqual(await jsonOf(await put('/v1/smart-charging/priorities/night-fleet', rule), 200), {
      id: 'night-fleet',
      ...rule,
    })
    assert.deepEqual(await jsonOf(await get('/v1/smart-charging/priorities'), 200), {
      items: [{ id: 'night-fleet', ...rule }],
    })
    const bad = await problemOf(
      await put('/v1/smart-charging/priorities/too-high', { ...rule, priority: 10 }),
      400,
    )
    assert.equal(bad.errors?.[0]?.path, 'priority')
    await problemOf(
      await put('/v1/smart-charging/priorities/bad-window', {
        ...rule,
        windows: [{ start: '25:00', end: '06:00' }],
      }),
      400,
    )
    assert.equal((await del('/v1/smart-charging/priorities/night-fleet')).status, 204)
    await problemOf(await del('/v1/smart-charging/priorities/night-fleet'), 404)
    assert.deepEqual(await jsonOf(await get('/v1/smart-charging/priorities'), 200), { items: [] })
  })

  it('lists the external charging limits a station notified, and when they were cleared', async () => {
    const s = await station('SC-LIM')
    const notified = await s.call('NotifyChargingLimit', {
      evseId: 1,
      chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: true },
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7_000 }] },
      ],
    })
    assert.equal(notified[0], 3)
    type Limit = {
      stationId: string
      evseId: number
      source: string
      isGridCritical: boolean | null
      clearedAt: string | null
    }
    const [limit] = (await jsonOf<{ items: Limit[] }>(await get('/v1/stations/SC-LIM/charging-limits'), 200))
      .items
    assert.deepEqual(
      [limit?.stationId, limit?.evseId, limit?.source, limit?.isGridCritical, limit?.clearedAt],
      ['SC-LIM', 1, 'EMS', true, null],
    )
    assert.equal((await s.call('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 }))[0], 3)
    const cleared = (await jsonOf<{ items: Limit[] }>(await get('/v1/stations/SC-LIM/charging-limits'), 200))
      .items
    assert.equal(cleared.length, 1)
    assert.ok(cleared[0]?.clearedAt, 'the limit is marked cleared')
    assert.deepEqual(await jsonOf(await get('/v1/stations/SC-NOBODY/charging-limits'), 200), { items: [] })
    await problemOf(await get('/v1/stations/bad%20id/charging-limits'), 400)
  })

  it('asks a station for its charging profiles and keeps what it reports under the request id', async () => {
    const s = await station('SC-REP')
    s.answer = (action) =>
      action === 'GetChargingProfiles' ? { result: { status: 'Accepted' } } : { error: 'NotSupported' }
    const ask = (id: string, body: unknown) =>
      platform.api(`/v1/stations/${id}/charging-profiles/report`, {
        method: 'POST',
        body: JSON.stringify(body),
      })
    const criteria = { chargingProfilePurpose: 'TxDefaultProfile' }
    // Smart charging learns of the connection from the event stream: wait until it has.
    const res = await waitFor(
      async () => {
        const r = await ask('SC-REP', { evseId: 1, criteria })
        return r.status === 404 ? undefined : r
      },
      { timeoutMs: 15_000, description: 'smart charging to know SC-REP is connected' },
    )
    const report = await jsonOf<{ requestId: number; response: unknown }>(res, 200)
    assert.deepEqual(report.response, { status: 'Accepted' })
    assert.deepEqual(callsOf(s, 'GetChargingProfiles'), [
      { requestId: report.requestId, chargingProfile: criteria, evseId: 1 },
    ])

    const reported = await s.call('ReportChargingProfiles', {
      requestId: report.requestId,
      chargingLimitSource: 'CSO',
      evseId: 1,
      chargingProfile: [aProfile(31)],
    })
    assert.equal(reported[0], 3)
    const listed = await jsonOf<{ items: Array<{ profileId: number; evseId: number; purpose: string }> }>(
      await get(`/v1/stations/SC-REP/charging-profiles?source=reported&requestId=${report.requestId}`),
      200,
    )
    assert.deepEqual(
      listed.items.map((p) => [p.profileId, p.evseId, p.purpose]),
      [[31, 1, 'TxDefaultProfile']],
    )

    const invalid = await problemOf(
      await ask('SC-REP', { criteria: { chargingProfilePurpose: 'Whatever' } }),
      400,
    )
    assert.ok(invalid.errors && invalid.errors.length > 0, 'each broken rule is named')
    await problemOf(await ask('SC-REP', { criteria, extra: true }), 400)
    await problemOf(await ask('SC-NOBODY', { criteria }), 404)
    s.answer = () => ({ error: 'InternalError' })
    const refused = await problemOf(await ask('SC-REP', { criteria }), 502)
    assert.equal(refused.ocppErrorCode, 'InternalError')
    s.answer = () => 'silent'
    await problemOf(await ask('SC-REP', { criteria }), 504)
  })

  it('lists the security events a station notified, newest first, paged', async () => {
    const s = await station('SC-SEC')
    for (const [type, techInfo] of [
      ['FirmwareUpdated', 'v2.0'],
      ['SettingSystemTime', 'ntp'],
    ]) {
      const reply = await s.call('SecurityEventNotification', {
        type,
        timestamp: new Date().toISOString(),
        techInfo,
      })
      assert.equal(reply[0], 3)
    }
    type Page = { items: Array<{ type: string; techInfo: string | null }>; next: string | null }
    const first = await jsonOf<Page>(await get('/v1/stations/SC-SEC/security-events?limit=1'), 200)
    assert.deepEqual(
      first.items.map((e) => [e.type, e.techInfo]),
      [['SettingSystemTime', 'ntp']],
    )
    assert.ok(first.next)
    const second = await jsonOf<Page>(
      await get(`/v1/stations/SC-SEC/security-events?limit=1&after=${encodeURIComponent(first.next)}`),
      200,
    )
    assert.deepEqual(
      second.items.map((e) => e.type),
      ['FirmwareUpdated'],
    )
    assert.equal(
      (await problemOf(await get('/v1/stations/SC-SEC/security-events?limit=0'), 400)).errors?.[0]?.path,
      'limit',
    )
    await problemOf(await get('/v1/stations/SC-SEC/security-events?after=not-a-cursor'), 400)
  })

  it('lists the display messages set on a station', async () => {
    const s = await station('SC-DISP')
    s.answer = (action) =>
      action === 'SetDisplayMessage' ? { result: { status: 'Accepted' } } : { error: 'NotSupported' }
    assert.deepEqual(await jsonOf(await get('/v1/stations/SC-DISP/display-messages'), 200), { items: [] })
    const message = { id: 5, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Welcome' } }
    await jsonOf(
      await callAs(platform, commander, '/v1/stations/SC-DISP/commands/SetDisplayMessage', {
        method: 'POST',
        body: JSON.stringify({ message }),
      }),
      200,
    )
    type Message = { id: number; priority: string; message: { content: string }; source: string }
    const listed = await jsonOf<{ items: Message[] }>(await get('/v1/stations/SC-DISP/display-messages'), 200)
    assert.deepEqual(
      listed.items.map((m) => [m.id, m.priority, m.message.content, m.source]),
      [[5, 'NormalCycle', 'Welcome', 'set']],
    )
    await problemOf(await get('/v1/stations/bad%20id/display-messages'), 400)
  })
})
