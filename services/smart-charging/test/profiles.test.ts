import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  checkCompositeScheduleRpc,
  clearChargingProfileRpc,
  commandRpc,
  encodeJson,
  HEADER,
  isAppError,
  listChargingProfilesRpc,
  listExternalLimitsRpc,
  ocppInSubject,
  readOcppReply,
  requestProfileReportRpc,
  type StationView,
  setChargingProfileRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { jetstream } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/nats-core'
import { aTransactionFact, publishTransaction } from './support/facts.js'
import { aStationView, type FakeStations } from './support/fake-stations.js'
import { type ServiceFixture, startServiceFixture } from './support/fixture.js'

const ST = 'PR-1'

function aTxDefault(o: Record<string, unknown> = {}) {
  return {
    id: 11,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: [
      {
        id: 1,
        startSchedule: '2026-01-01T00:00:00Z',
        chargingRateUnit: 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
      },
    ],
    ...o,
  }
}

/** A station that accepts every call and reports a flat composite schedule of `limit()` A. */
function reportingComposite(limit: () => number): FakeStations['answer'] {
  return (_s, action, payload) =>
    action === 'GetCompositeSchedule'
      ? {
          status: 'Accepted',
          schedule: {
            evseId: payload.evseId,
            duration: payload.duration,
            scheduleStart: new Date().toISOString(),
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: limit() }],
          },
        }
      : { status: 'Accepted' }
}

describe('charging profiles, limits and reports over real NATS and PostgreSQL (K01, K08-K13)', () => {
  let f: ServiceFixture
  let nc: NatsConnection
  let stations: FakeStations
  const registry = new Map<string, StationView>([[ST, aStationView(ST)]])

  before(async () => {
    f = await startServiceFixture({ registry, stationIds: [ST] })
    ;({ nc, stations } = f)
  })
  after(() => f?.stop())

  const stationCall = async (action: string, payload: unknown, version: 'v201' | 'v21' = 'v201') => {
    const h = headers()
    h.set(HEADER.messageId, String(Math.random()))
    const msg = await nc.request(ocppInSubject(version, action, ST), encodeJson(payload), {
      timeout: 10_000,
      headers: h,
    })
    return readOcppReply(msg)
  }
  const command = (action: string, payload: unknown) =>
    callRpc(
      nc,
      commandRpc('smart-charging'),
      { stationId: ST, version: 'v201', action, payload },
      { timeoutMs: 15_000 },
    )
  const sent = (action: string) => stations.calls.filter((c) => c.action === action)

  it('refuses a TxProfile without transactionId before sending it, naming K01.FR.03', async () => {
    const before = sent('SetChargingProfile').length
    const error = await command('SetChargingProfile', {
      evseId: 1,
      chargingProfile: aTxDefault({
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        ],
      }),
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(isAppError(error) && error.code === 'invalid_input', String(error))
    assert.match((error as Error).message, /K01\.FR\.03/)
    assert.equal(sent('SetChargingProfile').length, before, 'nothing was sent')
  })

  it('refuses a ChargingStationMaxProfile on an EVSE and a Relative one (K01.FR.38), through the profile API too', async () => {
    const r = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 1,
      chargingProfile: aTxDefault({
        chargingProfilePurpose: 'ChargingStationMaxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] },
        ],
      }),
    })
    assert.equal(r.outcome, 'invalid')
    assert.deepEqual(r.outcome === 'invalid' ? r.violations.map((v) => v.rule).sort() : [], [
      'K01.ChargingStationMaxProfile',
      'K01.FR.38',
    ])
  })

  it('refuses a TxProfile for a transaction the EVSE does not run (K01.FR.33)', async () => {
    await publishTransaction(
      jetstream(nc),
      aTransactionFact({ stationId: ST, evseId: 2, transactionId: 'tx-pr-2' }),
    )
    await waitFor(
      async () => {
        const r = await callRpc(nc, setChargingProfileRpc, {
          stationId: ST,
          evseId: 2,
          chargingProfile: aTxDefault({
            id: 12,
            chargingProfilePurpose: 'TxProfile',
            transactionId: 'someone-else',
          }),
        })
        return r.outcome === 'invalid' && r.violations.some((v) => v.rule === 'K01.FR.33')
      },
      { timeoutMs: 10_000, description: 'the transaction is known, the other one refused' },
    )
  })

  it('sends a valid profile, stores the accepted answer, and refuses an overlapping one on the same stack level (K01.FR.06)', async () => {
    const r = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 1,
      chargingProfile: aTxDefault(),
    })
    assert.deepEqual(r, { outcome: 'answered', response: { status: 'Accepted' } })
    const { profiles } = await callRpc(nc, listChargingProfilesRpc, { stationId: ST, source: 'stored' })
    const stored = profiles.find((p) => p.profileId === 11)
    assert.equal(stored?.status, 'Accepted')
    assert.equal(stored?.source, 'csms')
    const clash = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 1,
      chargingProfile: aTxDefault({ id: 13 }),
    })
    assert.equal(clash.outcome, 'invalid')
    assert.ok(clash.outcome === 'invalid' && clash.violations.some((v) => v.rule === 'K01.FR.06'))
  })

  it('computes the composite schedule and flags a station that reports another (K08)', async () => {
    await publishTransaction(
      jetstream(nc),
      aTransactionFact({ stationId: ST, evseId: 1, transactionId: 'tx-pr-1' }),
    )
    await waitFor(
      async () =>
        (
          await callRpc(nc, setChargingProfileRpc, {
            stationId: ST,
            evseId: 1,
            chargingProfile: aTxDefault({
              id: 14,
              chargingProfilePurpose: 'TxProfile',
              transactionId: 'tx-pr-9',
            }),
          })
        ).outcome === 'invalid',
      { timeoutMs: 10_000 },
    )
    const mismatches: unknown[] = []
    const sub = nc.subscribe('evt.smart-charging.composite-mismatch.>', {
      callback: (_e, m) => void mismatches.push(m.json()),
    })
    let reportedLimit = 16
    stations.answer = reportingComposite(() => reportedLimit)
    const good = await callRpc(nc, checkCompositeScheduleRpc, {
      stationId: ST,
      evseId: 1,
      durationS: 600,
      chargingRateUnit: 'A',
    })
    assert.ok(good.outcome === 'checked')
    assert.deepEqual(good.check.expected, [{ startPeriod: 0, limit: 16 }])
    assert.equal(good.check.matches, true)
    reportedLimit = 32
    const bad = await callRpc(nc, checkCompositeScheduleRpc, {
      stationId: ST,
      evseId: 1,
      durationS: 600,
      chargingRateUnit: 'A',
    })
    assert.ok(bad.outcome === 'checked')
    assert.equal(bad.check.matches, false)
    assert.deepEqual(bad.check.differences, [{ atS: 0, expected: 16, reported: 32 }])
    await waitFor(() => mismatches.length > 0, {
      timeoutMs: 5_000,
      description: 'a composite-mismatch event',
    })
    sub.unsubscribe()
    stations.answer = () => ({ status: 'Accepted' })
  })

  it('clears by criteria (K10) and refuses clearing external constraints (K10.FR.06)', async () => {
    const refused = await callRpc(nc, clearChargingProfileRpc, {
      stationId: ST,
      chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationExternalConstraints' },
    })
    assert.ok(refused.outcome === 'invalid' && refused.violations[0]?.rule === 'K10.FR.06')
    const r = await callRpc(nc, clearChargingProfileRpc, {
      stationId: ST,
      chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile' },
    })
    assert.deepEqual(r, { outcome: 'answered', response: { status: 'Accepted' } })
    const { profiles } = await callRpc(nc, listChargingProfilesRpc, { stationId: ST, source: 'stored' })
    assert.equal(profiles.find((p) => p.profileId === 11)?.status, 'Cleared')
  })

  it('keeps an installed profile whose replacement the station refused (K01.FR.05) and clears by id whatever the criteria (K10)', async () => {
    const stored = async (id: number) =>
      (await callRpc(nc, listChargingProfilesRpc, { stationId: ST, source: 'stored' })).profiles.find(
        (p) => p.profileId === id,
      )
    const set = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 2,
      chargingProfile: aTxDefault({ id: 30 }),
    })
    assert.deepEqual(set, { outcome: 'answered', response: { status: 'Accepted' } })
    stations.answer = () => ({ status: 'Rejected' })
    const replacement = aTxDefault({
      id: 30,
      chargingSchedule: [
        {
          id: 1,
          startSchedule: '2026-01-01T00:00:00Z',
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 8 }],
        },
      ],
    })
    const refused = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 2,
      chargingProfile: replacement,
    })
    stations.answer = () => ({ status: 'Accepted' })
    assert.deepEqual(refused, { outcome: 'answered', response: { status: 'Rejected' } })
    const kept = await stored(30)
    assert.equal(kept?.status, 'Accepted')
    assert.deepEqual(kept?.profile, aTxDefault({ id: 30 }), 'the station still holds the first one')
    const clash = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 2,
      chargingProfile: aTxDefault({ id: 31 }),
    })
    assert.ok(clash.outcome === 'invalid' && clash.violations.some((v) => v.rule === 'K01.FR.06'))

    const cleared = await callRpc(nc, clearChargingProfileRpc, {
      stationId: ST,
      chargingProfileId: 30,
      chargingProfileCriteria: { evseId: 1 },
    })
    assert.deepEqual(cleared, { outcome: 'answered', response: { status: 'Accepted' } })
    assert.equal((await stored(30))?.status, 'Cleared')
  })

  it("compares the station-wide composite schedule (evseId 0) with its caps only: the station sums its EVSEs' own", async () => {
    const max = await callRpc(nc, setChargingProfileRpc, {
      stationId: ST,
      evseId: 0,
      chargingProfile: aTxDefault({
        id: 40,
        chargingProfilePurpose: 'ChargingStationMaxProfile',
        chargingSchedule: [
          {
            id: 1,
            startSchedule: '2026-01-01T00:00:00Z',
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }],
          },
        ],
      }),
    })
    assert.deepEqual(max, { outcome: 'answered', response: { status: 'Accepted' } })
    let reportedLimit = 20
    stations.answer = reportingComposite(() => reportedLimit)
    const check = () =>
      callRpc(nc, checkCompositeScheduleRpc, {
        stationId: ST,
        evseId: 0,
        durationS: 600,
        chargingRateUnit: 'A',
      })
    const under = await check()
    assert.ok(under.outcome === 'checked')
    assert.deepEqual(under.check.expected, [{ startPeriod: 0, limit: 32 }])
    assert.equal(under.check.matches, true, JSON.stringify(under.check.differences))
    reportedLimit = 40
    const over = await check()
    assert.ok(over.outcome === 'checked')
    assert.equal(over.check.matches, false)
    stations.answer = () => ({ status: 'Accepted' })
    const clear = await callRpc(nc, clearChargingProfileRpc, { stationId: ST, chargingProfileId: 40 })
    assert.equal(clear.outcome, 'answered')
  })

  it('asks for a report and stores ReportChargingProfiles under its requestId (K09)', async () => {
    const r = await callRpc(nc, requestProfileReportRpc, {
      stationId: ST,
      criteria: { chargingProfilePurpose: 'TxDefaultProfile' },
    })
    assert.equal(r.outcome, 'answered')
    const got = sent('GetChargingProfiles').at(-1)
    assert.equal(got?.payload.requestId, r.requestId)
    for (const [evseId, tbc] of [
      [1, true],
      [2, false],
    ] as const) {
      const reply = await stationCall('ReportChargingProfiles', {
        requestId: r.requestId,
        chargingLimitSource: 'CSO',
        evseId,
        tbc,
        chargingProfile: [aTxDefault({ id: 20 + evseId })],
      })
      assert.ok(reply.ok)
    }
    const { profiles } = await callRpc(nc, listChargingProfilesRpc, {
      stationId: ST,
      source: 'reported',
      requestId: r.requestId,
    })
    assert.deepEqual(
      profiles.map((p) => [p.evseId, p.profileId]),
      [
        [1, 21],
        [2, 22],
      ],
    )
  })

  it('stores NotifyChargingLimit per source and releases it on ClearedChargingLimit (K11-K13)', async () => {
    const events: Array<{ data: { cleared: boolean } }> = []
    const sub = nc.subscribe('evt.smart-charging.external-limit.>', {
      callback: (_e, m) => void events.push(m.json()),
    })
    const set = await stationCall('NotifyChargingLimit', {
      evseId: 1,
      chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: true },
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
      ],
    })
    assert.deepEqual(set, { ok: true, payload: {} })
    let { limits } = await callRpc(nc, listExternalLimitsRpc, { stationId: ST })
    assert.deepEqual(
      limits.map((l) => [l.evseId, l.source, l.isGridCritical, l.clearedAt]),
      [[1, 'EMS', true, null]],
    )
    const cleared = await stationCall('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 })
    assert.ok(cleared.ok)
    ;({ limits } = await callRpc(nc, listExternalLimitsRpc, { stationId: ST }))
    assert.notEqual(limits[0]?.clearedAt, null)
    await waitFor(() => events.length >= 2, { timeoutMs: 5_000, description: 'two external-limit events' })
    assert.deepEqual(
      events.map((e) => e.data.cleared),
      [false, true],
    )
    sub.unsubscribe()
  })

  it('answers NotifyEVChargingNeeds Rejected where no site balances the EVSE, and checks a 2.1 payload at its edge', async () => {
    const needs = await stationCall('NotifyEVChargingNeeds', {
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'AC_three_phase',
        acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 },
      },
    })
    assert.deepEqual(needs, { ok: true, payload: { status: 'Rejected' } })
    const bad = await stationCall('NotifyEVChargingNeeds', { evseId: 1 }, 'v21')
    assert.equal(bad.ok, false)
  })
})
