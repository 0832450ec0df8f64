import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { StoredProfileView } from '@csms/bus'
import { createDb } from '@csms/db'
import { type Fleet, type SimStation, startFleet } from '@csms/simulator'
import { waitFor } from '@csms/testkit'
import type { Kysely } from 'kysely'
import { SCHEMA } from '../src/migrations/index.js'
import { createProfileRepo, type ProfileRepo } from '../src/repo/profile-repo.js'
import type { SmartChargingDb } from '../src/repo/tables.js'
import { type RunningPlatform, startWholePlatform } from './support/platform.js'

// End to end: an operator moves a station out of its balanced site (PUT
// /v1/smart-charging/stations/{id}); the balancer's profiles must leave with it, or its 0 A
// TxDefaultProfile would hold every later transaction there. Simulated stations over
// WebSocket, the platform as separate processes.

const SITE = 'e2e-leave-depot'
const V201 = 'E2E-LEAVE-201'
const V16 = 'E2E-LEAVE-16'
// The service's defaults: CSMS_SC_PROFILE_ID_BASE, CSMS_SC_STACK_LEVEL.
const TX_DEFAULT_ID = 2_100_100_000
const TX_PROFILE_ID_EVSE_1 = 2_100_000_001
const STACK_LEVEL = 1

type Call = SimStation['received'][number]
const purposeOf = (c: Call) => {
  const p = c.payload as {
    chargingProfile?: { chargingProfilePurpose?: string }
    csChargingProfiles?: { chargingProfilePurpose?: string }
  }
  return (p.chargingProfile ?? p.csChargingProfiles)?.chargingProfilePurpose
}
const isSet = (purpose: string) => (c: Call) => c.action === 'SetChargingProfile' && purposeOf(c) === purpose
const clears = (s: SimStation, from = 0) =>
  s.received.slice(from).filter((c) => c.action === 'ClearChargingProfile')

describe("a station moved out of its balanced site loses the balancer's profiles, end to end", () => {
  let platform: RunningPlatform
  let fleet: Fleet
  let db: Kysely<SmartChargingDb>
  let profiles: ProfileRepo

  before(async () => {
    platform = await startWholePlatform({ CSMS_SC_TX_DEFAULT_DELAY_MS: '200' })
    db = createDb<SmartChargingDb>({ url: platform.databaseUrl, schema: SCHEMA, poolSize: 2 })
    profiles = createProfileRepo(db)
    const site = await platform.api('PUT', `/v1/sites/${SITE}`, { name: 'Leaving depot', limitW: 20_000 })
    assert.equal(site.status, 200, JSON.stringify(site.body))
    // Placed in the site by smart charging alone: device management knows no site for them.
    for (const id of [V201, V16]) await place(id, SITE)
    fleet = await startFleet({
      url: platform.gatewayUrl,
      stations: [
        { id: V201, model: 'ac-2x22', protocol: 'ocpp2.0.1' },
        { id: V16, model: 'ac-legacy-16', protocol: 'ocpp1.6' },
      ],
      behaviour: { features: { transactions: true } },
      seed: 11,
    })
    await fleet.waitForAll((s) => s.bootStatus === 'Accepted', { timeoutMs: 60_000 })
  })
  after(async () => {
    await fleet?.stop()
    await db?.destroy()
    await platform?.stopAll()
  })

  async function place(stationId: string, nodeId: string | null): Promise<void> {
    const r = await platform.api('PUT', `/v1/smart-charging/stations/${stationId}`, { nodeId })
    assert.equal(r.status, 200, JSON.stringify(r.body))
  }
  const stored = async (stationId: string) => {
    const r = await platform.api<{ items: StoredProfileView[] }>(
      'GET',
      `/v1/stations/${stationId}/charging-profiles`,
    )
    assert.equal(r.status, 200)
    return r.body.items.filter((p) => p.source === 'balancer')
  }
  const statusOf = (items: StoredProfileView[], profileId: number) =>
    items.find((p) => p.profileId === profileId)?.status

  it('OCPP 2.0.1: clears the TxDefaultProfile and the running transaction’s TxProfile, and reinstalls them on the way back', async () => {
    const s = fleet.station(V201)
    await s.waitForCall('SetChargingProfile', { timeoutMs: 30_000, match: isSet('TxDefaultProfile') })
    await s.plugIn({ evseId: 1, dwellMs: 3_600_000 })
    await s.waitFor((st) => (st.evses[0]?.limitW ?? 0) > 0, { timeoutMs: 30_000 })
    await waitFor(async () => statusOf(await stored(V201), TX_PROFILE_ID_EVSE_1) === 'Accepted', {
      timeoutMs: 15_000,
      description: 'the TxProfile stored',
    })
    const mark = s.received.length

    await place(V201, null)
    await s.waitFor(() => clears(s, mark).length >= 2, { timeoutMs: 30_000 })
    assert.deepEqual(
      clears(s, mark).map((c) => [c.payload, c.answer]),
      [
        [
          {
            chargingProfileId: TX_DEFAULT_ID,
            chargingProfileCriteria: {
              evseId: 0,
              chargingProfilePurpose: 'TxDefaultProfile',
              stackLevel: STACK_LEVEL,
            },
          },
          { result: { status: 'Accepted' } },
        ],
        [
          {
            chargingProfileId: TX_PROFILE_ID_EVSE_1,
            chargingProfileCriteria: {
              evseId: 1,
              chargingProfilePurpose: 'TxProfile',
              stackLevel: STACK_LEVEL,
            },
          },
          { result: { status: 'Accepted' } },
        ],
      ],
    )
    // The station holds nothing of the balancer's: its transaction charges unlimited.
    const free = await s.waitFor((st) => st.profiles === 0 && st.evses[0]?.limitW === undefined, {
      timeoutMs: 15_000,
    })
    assert.ok((free.evses[0]?.powerW ?? 0) > 0, 'the transaction charges')
    await waitFor(
      async () => {
        const items = await stored(V201)
        return statusOf(items, TX_DEFAULT_ID) === 'Cleared' &&
          statusOf(items, TX_PROFILE_ID_EVSE_1) === 'Cleared'
          ? items
          : undefined
      },
      { timeoutMs: 15_000, description: "the balancer's profiles stored as cleared" },
    )
    assert.equal((await profiles.stationDefault(V201))?.status, 'Cleared')
    assert.equal(clears(s, mark).length, 2, 'nothing else cleared')

    const back = s.received.length
    await place(V201, SITE)
    await s.waitFor(
      () =>
        s.received.slice(back).some(isSet('TxDefaultProfile')) &&
        s.received.slice(back).some(isSet('TxProfile')),
      { timeoutMs: 30_000 },
    )
    await s.waitFor((st) => st.profiles === 2 && (st.evses[0]?.limitW ?? 0) > 0, { timeoutMs: 15_000 })
    await waitFor(async () => (await profiles.stationDefault(V201))?.status === 'Accepted', {
      timeoutMs: 15_000,
      description: 'the default stored as installed again',
    })
    assert.deepEqual(clears(s, back), [])
  })

  it('OCPP 1.6: clears the TxDefaultProfile by id, connectorId, purpose and stack level, and reinstalls it on the way back', async () => {
    const s = fleet.station(V16)
    await s.waitForCall('SetChargingProfile', { timeoutMs: 30_000, match: isSet('TxDefaultProfile') })
    await waitFor(async () => (await profiles.stationDefault(V16))?.status === 'Accepted', {
      timeoutMs: 15_000,
      description: 'the 1.6 default stored',
    })
    const mark = s.received.length

    await place(V16, null)
    await s.waitFor(() => clears(s, mark).length >= 1, { timeoutMs: 30_000 })
    assert.deepEqual(
      clears(s, mark).map((c) => [c.payload, c.answer]),
      [
        [
          {
            id: TX_DEFAULT_ID,
            connectorId: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            stackLevel: STACK_LEVEL,
          },
          { result: { status: 'Accepted' } },
        ],
      ],
    )
    await s.waitFor((st) => st.profiles === 0, { timeoutMs: 15_000 })
    await waitFor(async () => (await profiles.stationDefault(V16))?.status === 'Cleared', {
      timeoutMs: 15_000,
      description: 'the 1.6 default stored as cleared',
    })
    assert.equal(statusOf(await stored(V16), TX_DEFAULT_ID), 'Cleared')

    const back = s.received.length
    await place(V16, SITE)
    await s.waitFor(() => s.received.slice(back).some(isSet('TxDefaultProfile')), { timeoutMs: 30_000 })
    await waitFor(async () => (await profiles.stationDefault(V16))?.status === 'Accepted', {
      timeoutMs: 15_000,
      description: 'the 1.6 default stored as installed again',
    })
    assert.equal(s.state.profiles, 1)
  })
})
