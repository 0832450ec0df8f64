import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  deleteNodeRpc,
  listChargingProfilesRpc,
  type StationView,
  setStationPlacementRpc,
  upsertNodeRpc,
} from '@csms/bus'
import { createDb } from '@csms/db'
import { waitFor } from '@csms/testkit'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import type { Kysely } from 'kysely'
import { SCHEMA } from '../src/migrations/index.js'
import { createProfileRepo, type ProfileRepo } from '../src/repo/profile-repo.js'
import type { SmartChargingDb } from '../src/repo/tables.js'
import { aTransactionFact, publishConnected, publishSiteFact, publishTransaction } from './support/facts.js'
import { aStationView, type FakeStations } from './support/fake-stations.js'
import { type ServiceFixture, startServiceFixture } from './support/fixture.js'

// A station that leaves every balanced site while it does not answer keeps the balancer's
// profiles on record as installed; its next connection clears them. (The clearing itself, over
// the gateway with simulated stations: leaving-balanced-site.e2e.test.ts.)

const SITE = 'leave-site'
const X = 'LEAVE-X'
const GONE_SITE = 'gone-site'
const Y = 'LEAVE-Y'
const MOVED_SITE = 'moved-site'
const Z = 'LEAVE-Z'
const TX_DEFAULT_ID = 2_100_100_000
const TX_PROFILE_ID_EVSE_1 = 2_100_000_001

describe('a station that leaves its balanced site while it does not answer', () => {
  let f: ServiceFixture
  let nc: NatsConnection
  let js: JetStreamClient
  let stations: FakeStations
  let db: Kysely<SmartChargingDb>
  let profiles: ProfileRepo
  const registry = new Map<string, StationView>([
    [X, aStationView(X, { siteId: SITE })],
    [Y, aStationView(Y, { siteId: GONE_SITE })],
    [Z, aStationView(Z, { siteId: MOVED_SITE })],
  ])

  before(async () => {
    f = await startServiceFixture({
      registry,
      stationIds: [X, Y, Z],
      env: { CSMS_SC_TX_DEFAULT_DELAY_MS: '0', CSMS_SC_PROFILE_TIMEOUT_MS: '1000' },
    })
    ;({ nc, js, stations } = f)
    db = createDb<SmartChargingDb>({ url: f.pg.url, schema: SCHEMA, poolSize: 2 })
    profiles = createProfileRepo(db)
  })
  after(async () => {
    await db?.destroy()
    await f?.stop()
  })

  const balancerProfiles = async (stationId = X) =>
    new Map(
      (await callRpc(nc, listChargingProfilesRpc, { stationId })).profiles
        .filter((p) => p.source === 'balancer')
        .map((p) => [p.profileId, p.status]),
    )
  const clears = (from: number, stationId = X) =>
    stations.calls.slice(from).filter((c) => c.stationId === stationId && c.action === 'ClearChargingProfile')

  /** A site, and a station of it charging: its TxDefaultProfile and its TxProfile stored. */
  async function chargingInSite(stationId: string, siteId: string): Promise<void> {
    await callRpc(nc, upsertNodeRpc, { id: siteId, kind: 'site', node: { name: siteId, limitW: 30_000 } })
    await publishConnected(js, stationId)
    await publishTransaction(js, aTransactionFact({ stationId, evseId: 1, transactionId: `tx-${stationId}` }))
    await waitFor(
      async () => {
        const held = await balancerProfiles(stationId)
        return held.get(TX_DEFAULT_ID) === 'Accepted' && held.get(TX_PROFILE_ID_EVSE_1) === 'Accepted'
      },
      { timeoutMs: 15_000, description: 'the TxDefaultProfile and the TxProfile stored' },
    )
    await f.service.settled()
  }

  it('keeps them on record as installed, and clears them when the station connects again', async () => {
    await chargingInSite(X, SITE)

    // The station answers too late (after the profile timeout): it left the site all the same.
    stations.delayMs = 2_500
    registry.set(X, aStationView(X, { siteId: null }))
    const mark = stations.calls.length
    await callRpc(nc, setStationPlacementRpc, { stationId: X, placement: { nodeId: null } })
    // Answered after the service gave up on it (1 s).
    await stations.waitFor(() => clears(mark)[0]?.answeredAt, 15_000, 'a ClearChargingProfile answered late')
    // Not answered: the rest waits, and the record still says what the station may hold.
    assert.equal(clears(mark).length, 1)
    assert.deepEqual(
      await balancerProfiles(),
      new Map([
        [TX_PROFILE_ID_EVSE_1, 'Accepted'],
        [TX_DEFAULT_ID, 'Accepted'],
      ]),
    )
    assert.equal((await profiles.stationDefault(X))?.status, 'Accepted')

    stations.delayMs = 0
    const reconnected = stations.calls.length
    await publishConnected(js, X)
    await stations.waitFor(() => clears(reconnected).length >= 2, 15_000, 'both clears sent again')
    assert.deepEqual(
      clears(reconnected).map((c) => c.payload.chargingProfileId),
      [TX_DEFAULT_ID, TX_PROFILE_ID_EVSE_1],
    )
    await waitFor(
      async () => {
        const held = await balancerProfiles()
        return held.get(TX_DEFAULT_ID) === 'Cleared' && held.get(TX_PROFILE_ID_EVSE_1) === 'Cleared'
      },
      { timeoutMs: 15_000, description: 'both stored as cleared' },
    )
    assert.equal((await profiles.stationDefault(X))?.status, 'Cleared')
    // Nothing is left to clear: a further connection sends nothing.
    const again = stations.calls.length
    await publishConnected(js, X)
    await new Promise((r) => setTimeout(r, 1_000))
    assert.deepEqual(clears(again), [])
  })

  it("clears them when the station's site is deleted", async () => {
    await chargingInSite(Y, GONE_SITE)

    const mark = stations.calls.length
    assert.deepEqual(await callRpc(nc, deleteNodeRpc, { id: GONE_SITE }), { deleted: true })
    await stations.waitFor(() => clears(mark, Y).length >= 2, 15_000, 'both clears sent')
    assert.deepEqual(
      clears(mark, Y).map((c) => c.payload.chargingProfileId),
      [TX_DEFAULT_ID, TX_PROFILE_ID_EVSE_1],
    )
    await waitFor(
      async () => {
        const held = await balancerProfiles(Y)
        return held.get(TX_DEFAULT_ID) === 'Cleared' && held.get(TX_PROFILE_ID_EVSE_1) === 'Cleared'
      },
      { timeoutMs: 15_000, description: 'both stored as cleared' },
    )
    assert.equal((await profiles.stationDefault(Y))?.status, 'Cleared')
  })

  it('clears them when device management reports the station in no site any more', async () => {
    await chargingInSite(Z, MOVED_SITE)
    const mark = stations.calls.length
    registry.set(Z, aStationView(Z, { siteId: null }))
    await publishSiteFact(js, Z, null, MOVED_SITE)
    await stations.waitFor(() => clears(mark, Z).length >= 2, 15_000, 'both clears sent')
    assert.deepEqual(
      clears(mark, Z).map((c) => c.payload.chargingProfileId),
      [TX_DEFAULT_ID, TX_PROFILE_ID_EVSE_1],
    )
    await waitFor(async () => (await profiles.stationDefault(Z))?.status === 'Cleared', {
      timeoutMs: 15_000,
      description: 'the default stored as cleared',
    })
  })
})
