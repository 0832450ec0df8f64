import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  checkStartProfileRpc,
  encodeJson,
  listChargingProfilesRpc,
  ocppOutPattern,
  type StationView,
  upsertNodeRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { publishConnected } from './support/facts.js'
import { aStationView, type FakeStations } from './support/fake-stations.js'
import { type ServiceFixture, startServiceFixture } from './support/fixture.js'

const FREE = 'K05-1'
const BALANCED = 'K05-LB'
const LEGACY_BALANCED = 'K05-LB16'
const SITE = 'k05-site'

/** A valid chargingProfile of a 2.0.1 RequestStartTransaction: a Relative TxProfile. */
function aStartProfile(o: Record<string, unknown> = {}) {
  return {
    id: 501,
    stackLevel: 0,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: [
      { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    ],
    ...o,
  }
}

/** The same in OCPP 1.6 (one chargingSchedule object, chargingProfileId). */
function aLegacyStartProfile(o: Record<string, unknown> = {}) {
  return {
    chargingProfileId: 501,
    stackLevel: 0,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    ...o,
  }
}

describe('K05: smart charging checks the chargingProfile of a remote start (svc.smart-charging.profile.check-start)', () => {
  let f: ServiceFixture
  let nc: NatsConnection
  let stations: FakeStations
  let legacyStation: Subscription
  const registry = new Map<string, StationView>([
    [FREE, aStationView(FREE)],
    [BALANCED, aStationView(BALANCED, { siteId: SITE })],
    [LEGACY_BALANCED, aStationView(LEGACY_BALANCED, { siteId: SITE, protocol: 'ocpp1.6' })],
  ])

  before(async () => {
    f = await startServiceFixture({
      registry,
      stationIds: [FREE, BALANCED],
      env: { CSMS_SC_TX_DEFAULT_DELAY_MS: '0' },
      // The shared fake reads 2.x SetChargingProfile payloads only: the 1.6 station accepts all.
      beforeService: (c) => {
        legacyStation = c.subscribe(ocppOutPattern(LEGACY_BALANCED), {
          callback: (_err, msg) => {
            msg.respond(encodeJson({ status: 'Accepted' }))
          },
        })
      },
    })
    ;({ nc, stations } = f)
  })
  after(async () => {
    legacyStation?.unsubscribe()
    await f?.stop()
  })

  const check = (
    stationId: string,
    chargingProfile: Record<string, unknown>,
    o: { evseId?: number; version?: 'v16' | 'v201' | 'v21' } = {},
  ) =>
    callRpc(
      nc,
      checkStartProfileRpc,
      {
        stationId,
        version: o.version ?? 'v201',
        chargingProfile,
        ...(o.evseId === undefined ? {} : { evseId: o.evseId }),
      },
      { timeoutMs: 10_000 },
    )
  const rulesOf = async (result: ReturnType<typeof check>) => {
    const r = await result
    return r.ok ? [] : r.violations.map((v) => v.rule)
  }

  it('accepts a TxProfile without transactionId, with or without an evseId, and sends nothing itself', async () => {
    assert.deepEqual(await check(FREE, aStartProfile(), { evseId: 1 }), { ok: true })
    assert.deepEqual(await check(FREE, aStartProfile()), { ok: true })
    assert.deepEqual(
      stations.calls.filter((c) => c.stationId === FREE),
      [],
    )
  })

  it('names F01.FR.09 for another purpose and F01.FR.11 for a transactionId', async () => {
    const max = aStartProfile({
      chargingProfilePurpose: 'ChargingStationMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [
        {
          id: 1,
          startSchedule: '2026-01-01T00:00:00Z',
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }],
        },
      ],
    })
    assert.deepEqual(await rulesOf(check(FREE, max)), ['F01.FR.09'])
    assert.deepEqual(
      await rulesOf(
        check(FREE, aStartProfile({ chargingProfilePurpose: 'TxDefaultProfile' }), { evseId: 1 }),
      ),
      ['F01.FR.09'],
    )
    assert.deepEqual(await rulesOf(check(FREE, aStartProfile({ transactionId: 'tx-1' }), { evseId: 1 })), [
      'F01.FR.11',
    ])
    const r = await check(FREE, aStartProfile({ transactionId: 'tx-1' }), { evseId: 1 })
    assert.ok(!r.ok && r.violations[0]?.message.includes('transaction does not exist yet'))
  })

  it('applies the K01 schedule rules and the EVSEs it knows, and the schema first', async () => {
    const late = aStartProfile({
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 60, limit: 16 }] },
      ],
    })
    assert.deepEqual(await rulesOf(check(FREE, late, { evseId: 1 })), ['K01.FR.31'])
    assert.deepEqual(await rulesOf(check(FREE, aStartProfile(), { evseId: 9 })), ['K01.FR.28'])
    assert.deepEqual(await rulesOf(check(FREE, { chargingProfilePurpose: 'TxProfile' }, { evseId: 1 })), [
      'ChargingProfileType schema',
    ])
  })

  it('OCPP 1.6: a TxProfile only (§5.11), without transactionId', async () => {
    assert.deepEqual(await check(FREE, aLegacyStartProfile(), { version: 'v16', evseId: 1 }), { ok: true })
    assert.deepEqual(
      await rulesOf(
        check(FREE, aLegacyStartProfile({ chargingProfilePurpose: 'ChargePointMaxProfile' }), {
          version: 'v16',
        }),
      ),
      ['OCPP 1.6 §5.11'],
    )
    assert.deepEqual(
      await rulesOf(check(FREE, aLegacyStartProfile({ transactionId: 12 }), { version: 'v16', evseId: 1 })),
      ['ChargingProfile.transactionId'],
    )
  })

  it("refuses, on a balanced site's stations, a TxProfile above the balancer's stack level (2.0.1 and 1.6)", async () => {
    await callRpc(nc, upsertNodeRpc, { id: SITE, kind: 'site', node: { name: 'K05 depot', limitW: 20_000 } })
    const js = jetstream(nc)
    for (const id of [BALANCED, LEGACY_BALANCED]) await publishConnected(js, id)
    // The balancer's TxDefaultProfile, accepted, is what marks a station as balanced.
    await waitFor(
      async () => {
        const held = await Promise.all(
          [BALANCED, LEGACY_BALANCED].map(
            async (stationId) => (await callRpc(nc, listChargingProfilesRpc, { stationId })).profiles,
          ),
        )
        return held.every((ps) => ps.some((p) => p.source === 'balancer' && p.status === 'Accepted'))
      },
      { timeoutMs: 20_000, description: "the balancer's TxDefaultProfile accepted on both stations" },
    )
    assert.deepEqual(await rulesOf(check(BALANCED, aStartProfile({ stackLevel: 5 }), { evseId: 1 })), [
      'CSMS.balanced-site',
    ])
    assert.deepEqual(await check(BALANCED, aStartProfile({ stackLevel: 1 }), { evseId: 1 }), { ok: true })
    assert.deepEqual(
      await rulesOf(
        check(LEGACY_BALANCED, aLegacyStartProfile({ stackLevel: 5 }), { version: 'v16', evseId: 1 }),
      ),
      ['CSMS.balanced-site'],
    )
    assert.deepEqual(await check(FREE, aStartProfile({ stackLevel: 5 }), { evseId: 1 }), { ok: true })
  })
})
