import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  clearChargingProfileRpc,
  encodeJson,
  getSiteRpc,
  HEADER,
  ocppInSubject,
  readOcppReply,
  type SiteView,
  type StationView,
  setChargingProfileRpc,
  setLimitRpc,
  setStationPlacementRpc,
  upsertNodeRpc,
  upsertPriorityRuleRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import type { JetStreamClient } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/nats-core'
import type { SmartChargingService } from '../src/app.js'
import { aTransactionFact, publishConnected, publishTransaction } from './support/facts.js'
import { aStationView, type FakeStations } from './support/fake-stations.js'
import { type ServiceFixture, startServiceFixture } from './support/fixture.js'

const SITE = 'lb-site'
const A = 'LB-A'
const B = 'LB-B'
const C = 'LB-C'
const WATTS_PER_A = 230 * 3

describe('load balancing a site over real NATS and PostgreSQL', () => {
  let f: ServiceFixture
  let service: SmartChargingService
  let nc: NatsConnection
  let js: JetStreamClient
  let stations: FakeStations
  const registry = new Map<string, StationView>([
    [A, aStationView(A, { siteId: SITE })],
    [B, aStationView(B, { siteId: SITE })],
    [C, aStationView(C, { siteId: SITE })],
  ])
  const allocations: Array<{ data: { changes: unknown[]; reason: string } }> = []

  before(async () => {
    f = await startServiceFixture({
      registry,
      stationIds: [A, B, C],
      env: {
        CSMS_SC_TX_DEFAULT_DELAY_MS: '0',
        CSMS_SC_MIN_RAISE_W: '100',
        CSMS_SC_DEADLINE_MARGIN_MS: '60000',
      },
      beforeService: (c) =>
        c.subscribe('evt.smart-charging.allocation', {
          callback: (_e, m) => void allocations.push(m.json()),
        }),
    })
    ;({ nc, js, stations, service } = f)
  })
  after(() => f?.stop())

  const site = async (): Promise<SiteView> => {
    const { site } = await callRpc(nc, getSiteRpc, { siteId: SITE })
    assert.ok(site)
    return site
  }
  /** The limits the fake stations accepted, in watts. */
  const acceptedW = (keys: readonly string[]) =>
    keys.map((k) => (stations.limits.get(k)?.limit ?? 0) * WATTS_PER_A)
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

  it('installs the 0 A TxDefaultProfile on a station of a balanced site when it connects', async () => {
    const { node } = await callRpc(nc, upsertNodeRpc, {
      id: SITE,
      kind: 'site',
      node: { name: 'Depot', limitW: 30_000 },
    })
    assert.deepEqual(node.txDefaultLimit, { unit: 'A', limit: 0 })
    for (const id of [A, B, C]) await publishConnected(js, id)
    const defaults = (id: string) =>
      stations.calls.filter(
        (c) =>
          c.stationId === id &&
          (c.payload.chargingProfile as { chargingProfilePurpose?: string })?.chargingProfilePurpose ===
            'TxDefaultProfile',
      )
    await stations.waitFor(
      () => [A, B, C].every((id) => defaults(id).length >= 1),
      15_000,
      'a TxDefaultProfile on each station',
    )
    const call = defaults(A)[0]
    assert.ok(call)
    assert.equal(call.payload.evseId, 0)
    assert.deepEqual((call.payload.chargingProfile as { chargingSchedule: unknown[] }).chargingSchedule, [
      { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 0 }] },
    ])
  })

  it('shares the site limit among the EVSEs as their transactions start, never above it', async () => {
    for (const [station, tx] of [
      [A, 'tx-a1'],
      [B, 'tx-b1'],
      [C, 'tx-c1'],
    ] as const) {
      await publishTransaction(js, aTransactionFact({ stationId: station, evseId: 1, transactionId: tx }))
    }
    const keys = [`${A}/1`, `${B}/1`, `${C}/1`]
    await stations.waitFor(
      () => keys.every((k) => stations.limits.has(k)) && sum(acceptedW(keys)) > 25_000,
      15_000,
      'three shares',
    )
    assert.ok(sum(acceptedW(keys)) <= 30_000)
    for (const k of keys) assert.equal(stations.limits.get(k)?.limit, 14.4)
    const profile = stations.calls.findLast(
      (c) =>
        c.stationId === A &&
        c.action === 'SetChargingProfile' &&
        (c.payload.chargingProfile as { chargingProfilePurpose: string }).chargingProfilePurpose ===
          'TxProfile',
    )
    assert.deepEqual(profile?.payload, {
      evseId: 1,
      chargingProfile: {
        id: 2_100_000_001,
        stackLevel: 1,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        transactionId: 'tx-a1',
        chargingSchedule: [
          {
            id: 1,
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 14.4, numberPhases: 3 }],
          },
        ],
      },
    })
    await service.settled()
    const view = await waitFor(
      async () => {
        const v = await site()
        return v.evses.length === 3 && v.evses.every((e) => e.profileStatus === 'accepted') ? v : undefined
      },
      { timeoutMs: 10_000, description: 'the site view' },
    )
    assert.equal(view.effectiveLimitW, 30_000)
    assert.ok(view.allocatedW <= 30_000 && view.allocatedW > 29_000, `allocated ${view.allocatedW}`)
    assert.ok(
      allocations.some((a) => a.data.changes.length > 0),
      'allocation events published',
    )
  })

  it('lowers every share first and raises only once the decreases are acknowledged (a priority change)', async () => {
    stations.delayMs = 150
    const mark = stations.calls.length
    await callRpc(nc, upsertPriorityRuleRpc, { id: 'vip-c', match: 'station', value: C, priority: 5 })
    await stations.waitFor(() => (stations.limits.get(`${C}/1`)?.limit ?? 0) > 20, 15_000, 'C raised')
    await service.settled()
    const calls = stations.calls.slice(mark).filter((c) => c.action === 'SetChargingProfile')
    const limitOf = (c: (typeof calls)[number]) =>
      (
        c.payload.chargingProfile as {
          chargingSchedule: Array<{ chargingSchedulePeriod: Array<{ limit: number }> }>
        }
      ).chargingSchedule[0]?.chargingSchedulePeriod[0]?.limit ?? 0
    const lowers = calls.filter((c) => c.stationId !== C)
    const raise = calls.find((c) => c.stationId === C)
    assert.ok(raise && lowers.length === 2)
    for (const l of lowers)
      assert.ok(
        (l.answeredAt ?? Number.POSITIVE_INFINITY) <= raise.at,
        'a raise went out before a decrease was answered',
      )
    assert.deepEqual(lowers.map(limitOf), [6, 6])
    assert.equal(limitOf(raise), 31.4)
    assert.ok(sum(acceptedW([`${A}/1`, `${B}/1`, `${C}/1`])) <= 30_000)
    stations.delayMs = 0
  })

  it('recomputes when the limit changes through a DSO signal, and keeps the AC minimum or pauses', async () => {
    await callRpc(nc, setLimitRpc, { nodeId: SITE, limitW: 10_000, source: 'DSO' })
    await stations.waitFor(
      () => sum(acceptedW([`${A}/1`, `${B}/1`, `${C}/1`])) <= 10_000,
      15_000,
      'under the new limit',
    )
    await service.settled()
    const limits = [`${A}/1`, `${B}/1`, `${C}/1`].map((k) => stations.limits.get(k)?.limit ?? -1)
    for (const l of limits) assert.ok(l === 0 || l >= 6, `a limit of ${l} A`)
    assert.ok(limits.filter((l) => l === 0).length === 1, `one EVSE paused: ${limits}`)
    const view = await site()
    assert.equal(view.effectiveLimitW, 10_000)
  })

  it('honours a group limit inside the site and shows measured power', async () => {
    await callRpc(nc, setLimitRpc, { nodeId: SITE, limitW: 60_000 })
    await callRpc(nc, upsertNodeRpc, { id: 'lb-hall', kind: 'group', node: { parentId: SITE, limitA: 10 } })
    await callRpc(nc, setStationPlacementRpc, { stationId: A, placement: { nodeId: 'lb-hall' } })
    await stations.waitFor(() => stations.limits.get(`${A}/1`)?.limit === 10, 15_000, 'A held by its group')
    await publishTransaction(
      js,
      aTransactionFact({
        stationId: A,
        evseId: 1,
        transactionId: 'tx-a1',
        eventType: 'Updated',
        powerW: 6_500,
        energyWh: 1_200,
      }),
    )
    const view = await waitFor(
      async () => {
        const v = await site()
        return v.measuredW === 6_500 ? v : undefined
      },
      { timeoutMs: 10_000, description: 'measured power in the site view' },
    )
    const hall = view.groups.find((g) => g.id === 'lb-hall')
    assert.equal(hall?.measuredW, 6_500)
    assert.ok((hall?.allocatedW ?? 0) <= 10 * WATTS_PER_A)
    assert.equal(view.evses.find((e) => e.stationId === A)?.nodeId, 'lb-hall')
  })

  it('accepts an EV deadline it can meet and serves it first (NotifyEVChargingNeeds, K15)', async () => {
    await callRpc(nc, setLimitRpc, { nodeId: SITE, limitW: 20_000 })
    const h = headers()
    h.set(HEADER.messageId, 'needs-1')
    const departure = new Date(Date.now() + 2 * 3_600_000).toISOString()
    const reply = readOcppReply(
      await nc.request(
        ocppInSubject('v201', 'NotifyEVChargingNeeds', B),
        encodeJson({
          evseId: 1,
          chargingNeeds: {
            requestedEnergyTransfer: 'AC_three_phase',
            departureTime: departure,
            acChargingParameters: {
              energyAmount: 20_000,
              evMinCurrent: 6,
              evMaxCurrent: 32,
              evMaxVoltage: 400,
            },
          },
        }),
        { timeout: 10_000, headers: h },
      ),
    )
    assert.deepEqual(reply, { ok: true, payload: { status: 'Accepted' } })
    const needW = (20_000 * 3_600_000) / (2 * 3_600_000 - 60_000)
    await stations.waitFor(
      () => (stations.limits.get(`${B}/1`)?.limit ?? 0) * WATTS_PER_A >= needW,
      15_000,
      'the deadline served',
    )
    await service.settled()
    const view = await site()
    const b = view.evses.find((e) => e.stationId === B)
    assert.equal(b?.deadline?.feasible, true)
    assert.ok(view.allocatedW <= 20_000)
  })

  it('drops an EVSE whose transaction ended and gives its share to the others', async () => {
    const before = stations.limits.get(`${C}/1`)?.limit ?? 0
    await publishTransaction(
      js,
      aTransactionFact({ stationId: B, evseId: 1, transactionId: 'tx-b1', eventType: 'Ended' }),
    )
    await stations.waitFor(
      () => (stations.limits.get(`${C}/1`)?.limit ?? 0) > before,
      15_000,
      'C raised after B left',
    )
    const view = await waitFor(
      async () => {
        const v = await site()
        return v.evses.length === 2 ? v : undefined
      },
      { timeoutMs: 10_000, description: 'B gone from the view' },
    )
    assert.deepEqual(view.evses.map((e) => e.stationId).sort(), [A, C])
  })

  it('caps an EVSE at the external limit the station reports (NotifyChargingLimit, K11) until it is cleared (K13)', async () => {
    const stationCall = async (action: string, payload: unknown) => {
      const h = headers()
      h.set(HEADER.messageId, `${action}-${Date.now()}`)
      return readOcppReply(
        await nc.request(ocppInSubject('v201', action, C), encodeJson(payload), {
          timeout: 10_000,
          headers: h,
        }),
      )
    }
    const before = stations.limits.get(`${C}/1`)?.limit ?? 0
    assert.ok(before > 8, `C starts above the cap: ${before} A`)
    const set = await stationCall('NotifyChargingLimit', {
      evseId: 1,
      chargingLimit: { chargingLimitSource: 'EMS' },
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 8 }] },
      ],
    })
    assert.ok(set.ok)
    await stations.waitFor(() => stations.limits.get(`${C}/1`)?.limit === 8, 15_000, 'C capped at 8 A')
    const cleared = await stationCall('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 })
    assert.ok(cleared.ok)
    await stations.waitFor(() => (stations.limits.get(`${C}/1`)?.limit ?? 0) > 8, 15_000, 'C released')
    // Without an EVSE the limit is the whole station's: a node above its EVSEs.
    const station = await stationCall('NotifyChargingLimit', {
      chargingLimit: { chargingLimitSource: 'SO', isGridCritical: true },
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 5_000 }] },
      ],
    })
    assert.ok(station.ok)
    await stations.waitFor(
      () => (stations.limits.get(`${C}/1`)?.limit ?? 99) * WATTS_PER_A <= 5_000,
      15_000,
      'C under its station limit',
    )
    assert.ok((await stationCall('ClearedChargingLimit', { chargingLimitSource: 'SO' })).ok)
    await stations.waitFor(() => (stations.limits.get(`${C}/1`)?.limit ?? 0) > 8, 15_000, 'C released again')
  })

  it("checks the EV's schedule against the EVSE's share (NotifyEVChargingSchedule, K15)", async () => {
    await service.settled()
    const share = stations.limits.get(`${C}/1`)?.limit ?? 0
    const h = () => {
      const x = headers()
      x.set(HEADER.messageId, `s-${Math.random()}`)
      return x
    }
    const schedule = (limit: number) =>
      encodeJson({
        timeBase: new Date().toISOString(),
        evseId: 1,
        chargingSchedule: {
          id: 1,
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit }],
        },
      })
    const within = readOcppReply(
      await nc.request(ocppInSubject('v201', 'NotifyEVChargingSchedule', C), schedule(Math.floor(share)), {
        timeout: 10_000,
        headers: h(),
      }),
    )
    assert.deepEqual(within, { ok: true, payload: { status: 'Accepted' } })
    const above = readOcppReply(
      await nc.request(ocppInSubject('v201', 'NotifyEVChargingSchedule', C), schedule(share + 10), {
        timeout: 10_000,
        headers: h(),
      }),
    )
    assert.deepEqual(above, { ok: true, payload: { status: 'Rejected' } })
  })

  it("puts back the balancer's profiles an operator cleared, and refuses a profile that would override them", async () => {
    await service.settled()
    const share = stations.limits.get(`${C}/1`)?.limit ?? 0
    assert.ok(share >= 6, `C charges: ${share} A`)
    const override = await callRpc(nc, setChargingProfileRpc, {
      stationId: C,
      evseId: 1,
      chargingProfile: {
        id: 7,
        stackLevel: 2,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        transactionId: 'tx-c1',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }] },
        ],
      },
    })
    assert.ok(
      override.outcome === 'invalid' && override.violations.some((v) => v.rule === 'CSMS.balanced-site'),
      JSON.stringify(override),
    )
    const purposeOf = (c: (typeof stations.calls)[number]) =>
      (c.payload.chargingProfile as { chargingProfilePurpose?: string } | undefined)?.chargingProfilePurpose
    const mark = stations.calls.length
    for (const criteria of [
      { chargingProfilePurpose: 'TxDefaultProfile' },
      { evseId: 1, chargingProfilePurpose: 'TxProfile' },
    ]) {
      const r = await callRpc(nc, clearChargingProfileRpc, {
        stationId: C,
        chargingProfileCriteria: criteria,
      })
      assert.deepEqual(r, { outcome: 'answered', response: { status: 'Accepted' } })
    }
    await stations.waitFor(
      () => {
        const after = stations.calls
          .slice(mark)
          .filter((c) => c.stationId === C && c.answeredAt !== undefined)
        return (
          after.some((c) => purposeOf(c) === 'TxDefaultProfile' && c.payload.evseId === 0) &&
          after.some((c) => purposeOf(c) === 'TxProfile' && c.payload.evseId === 1)
        )
      },
      15_000,
      'the TxDefaultProfile and the TxProfile sent again',
    )
    await service.settled()
    assert.equal(stations.limits.get(`${C}/1`)?.limit, share)
    const view = await site()
    assert.equal(view.evses.find((e) => e.stationId === C)?.profileStatus, 'accepted')
  })
})
