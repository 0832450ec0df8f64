import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { InstalledProfile, ProfileLike } from './charging-profile.js'
import { checkClearChargingProfile, checkGetChargingProfiles } from './clear-report-rules.js'
import { checkSetChargingProfile, type SetProfileContext } from './profile-rules.js'

function aProfile(o: Partial<ProfileLike> = {}): ProfileLike {
  return {
    id: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: [
      {
        id: 1,
        startSchedule: '2026-03-02T00:00:00Z',
        chargingRateUnit: 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
      },
    ],
    ...o,
  }
}

const rules = (o: Partial<SetProfileContext> & { profile: ProfileLike }) =>
  checkSetChargingProfile({ version: 'v201', evseId: 1, installed: [], ...o }).map((v) => v.rule)

describe('charging profile rules (OCPP 2.0.1 part 2, K01)', () => {
  it('accepts a well-formed profile', () => {
    assert.deepEqual(rules({ profile: aProfile() }), [])
  })

  it('K01.FR.03 / K01.FR.16: a TxProfile needs a transactionId and an EVSE', () => {
    assert.deepEqual(rules({ profile: aProfile({ chargingProfilePurpose: 'TxProfile' }) }), ['K01.FR.03'])
    assert.deepEqual(
      rules({ evseId: 0, profile: aProfile({ chargingProfilePurpose: 'TxProfile', transactionId: 't' }) }),
      ['K01.FR.16'],
    )
  })

  it('K01.FR.09 / K01.FR.33: a TxProfile for a transaction that is not on the EVSE', () => {
    const tx = aProfile({ chargingProfilePurpose: 'TxProfile', transactionId: 't1' })
    assert.deepEqual(rules({ profile: tx, transactions: new Map() }), ['K01.FR.09'])
    assert.deepEqual(rules({ profile: tx, transactions: new Map([[1, 't2']]) }), ['K01.FR.33'])
    assert.deepEqual(rules({ profile: tx, transactions: new Map([[1, 't1']]) }), [])
  })

  it('K01.FR.39: two TxProfiles of one transaction on the same stack level', () => {
    const existing: InstalledProfile = {
      evseId: 1,
      setAt: 0,
      profile: aProfile({ id: 7, chargingProfilePurpose: 'TxProfile', transactionId: 't1' }),
    }
    const tx = aProfile({ id: 8, chargingProfilePurpose: 'TxProfile', transactionId: 't1' })
    assert.deepEqual(rules({ profile: tx, installed: [existing] }), ['K01.FR.39'])
    assert.deepEqual(rules({ profile: { ...tx, id: 7 }, installed: [existing] }), [])
  })

  it('ChargingStationMaxProfile: station-wide only (evseId 0), never Relative (K01.FR.38)', () => {
    const max = aProfile({ chargingProfilePurpose: 'ChargingStationMaxProfile' })
    assert.deepEqual(rules({ profile: max }), ['K01.ChargingStationMaxProfile'])
    assert.deepEqual(rules({ evseId: 0, profile: max }), [])
    const relative = aProfile({
      chargingProfilePurpose: 'ChargingStationMaxProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] },
      ],
    })
    assert.deepEqual(rules({ evseId: 0, profile: relative }), ['K01.FR.38'])
  })

  it('K01.FR.22: the CSMS does not set ChargingStationExternalConstraints', () => {
    assert.deepEqual(
      rules({ profile: aProfile({ chargingProfilePurpose: 'ChargingStationExternalConstraints' }) }),
      ['K01.FR.22'],
    )
  })

  it('K01.FR.06: same purpose and stack level on an EVSE with overlapping validity', () => {
    const existing: InstalledProfile = {
      evseId: 1,
      setAt: 0,
      profile: aProfile({ id: 5, validTo: '2026-03-10T00:00:00Z' }),
    }
    assert.deepEqual(rules({ profile: aProfile({ id: 6 }), installed: [existing] }), ['K01.FR.06'])
    assert.deepEqual(
      rules({ profile: aProfile({ id: 6, validFrom: '2026-03-10T00:00:00Z' }), installed: [existing] }),
      [],
    )
    assert.deepEqual(rules({ profile: aProfile({ id: 6, stackLevel: 1 }), installed: [existing] }), [])
  })

  it('K01.FR.53: station-wide and EVSE TxDefaultProfiles on one stack level', () => {
    const stationWide: InstalledProfile = { evseId: 0, setAt: 0, profile: aProfile({ id: 5 }) }
    assert.deepEqual(rules({ profile: aProfile({ id: 6 }), installed: [stationWide] }), ['K01.FR.53'])
  })

  it('K01.FR.31 / K01.FR.35: periods start at 0 and increase', () => {
    const periods = (startPeriods: number[]) =>
      aProfile({
        chargingSchedule: [
          {
            id: 1,
            startSchedule: '2026-03-02T00:00:00Z',
            chargingRateUnit: 'A',
            chargingSchedulePeriod: startPeriods.map((startPeriod) => ({ startPeriod, limit: 10 })),
          },
        ],
      })
    assert.deepEqual(rules({ profile: periods([60, 120]) }), ['K01.FR.31'])
    assert.deepEqual(rules({ profile: periods([0, 120, 60]) }), ['K01.FR.35'])
  })

  it('K01.FR.40 / K01.FR.41: startSchedule for Absolute and Recurring, none for Relative', () => {
    const noStart = {
      id: 1,
      chargingRateUnit: 'A' as const,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }],
    }
    assert.deepEqual(rules({ profile: aProfile({ chargingSchedule: [noStart] }) }), ['K01.FR.40'])
    assert.deepEqual(rules({ profile: aProfile({ chargingProfileKind: 'Relative' }) }), ['K01.FR.41'])
    assert.deepEqual(
      rules({ profile: aProfile({ chargingProfileKind: 'Relative', chargingSchedule: [noStart] }) }),
      [],
    )
  })

  it('a Recurring profile needs recurrencyKind', () => {
    assert.deepEqual(rules({ profile: aProfile({ chargingProfileKind: 'Recurring' }) }), [
      'ChargingProfileType.recurrencyKind',
    ])
    assert.deepEqual(
      rules({ profile: aProfile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' }) }),
      [],
    )
  })

  it('K01.FR.19 / K01.FR.45 / K01.FR.44: numberPhases and phaseToUse', () => {
    const period = (p: object) =>
      aProfile({
        chargingSchedule: [
          {
            id: 1,
            startSchedule: '2026-03-02T00:00:00Z',
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 10, ...p }],
          },
        ],
      })
    assert.deepEqual(rules({ profile: period({ phaseToUse: 2, numberPhases: 3 }) }), ['K01.FR.19'])
    assert.deepEqual(rules({ profile: period({ phaseToUse: 2, numberPhases: 1 }) }), [])
    assert.deepEqual(rules({ profile: period({ numberPhases: 4 }) }), ['K01.FR.45'])
    assert.deepEqual(rules({ profile: period({ numberPhases: 3 }), currentOf: () => 'DC' }), ['K01.FR.44'])
  })

  it('2.0.1 limits: at most one decimal, not negative; K01.FR.28 unknown EVSE', () => {
    const limit = (l: number) =>
      aProfile({
        chargingSchedule: [
          {
            id: 1,
            startSchedule: '2026-03-02T00:00:00Z',
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: l }],
          },
        ],
      })
    assert.deepEqual(rules({ profile: limit(10.25) }), ['ChargingSchedulePeriodType.limit'])
    assert.deepEqual(rules({ profile: limit(-5) }), ['ChargingSchedulePeriodType.limit'])
    assert.deepEqual(rules({ profile: limit(-5), version: 'v21' }), [])
    assert.deepEqual(rules({ profile: aProfile(), evseIds: [2] }), ['K01.FR.28'])
  })

  it('K01.FR.34: several schedules only for a TxProfile after NotifyEVChargingNeeds', () => {
    const s = aProfile().chargingSchedule[0]
    assert.ok(s)
    const tx = aProfile({
      chargingProfilePurpose: 'TxProfile',
      transactionId: 't',
      chargingSchedule: [s, { ...s, id: 2 }],
    })
    assert.deepEqual(rules({ profile: tx }), ['K01.FR.34'])
    assert.deepEqual(rules({ profile: tx, chargingNeedsReceived: true }), [])
  })

  it('OCPP 2.1: PriorityCharging has no duration (K01.FR.70), dynUpdate only for Dynamic (K01.FR.122)', () => {
    const s = aProfile().chargingSchedule[0]
    assert.ok(s)
    const priority = aProfile({
      chargingProfilePurpose: 'PriorityCharging',
      chargingSchedule: [{ ...s, duration: 600 }],
    })
    assert.deepEqual(rules({ profile: priority, version: 'v21' }), ['K01.FR.70'])
    assert.deepEqual(rules({ profile: priority, version: 'v201' }), ['OCPP 2.0.1'])
    assert.deepEqual(rules({ profile: aProfile({ dynUpdateInterval: 60 }), version: 'v21' }), ['K01.FR.122'])
  })

  it('transactionId only in a TxProfile (ChargingProfileType.transactionId)', () => {
    assert.deepEqual(rules({ profile: aProfile({ transactionId: 't1' }) }), [
      'ChargingProfileType.transactionId',
    ])
    assert.deepEqual(
      rules({
        evseId: 0,
        profile: aProfile({ chargingProfilePurpose: 'ChargingStationMaxProfile', transactionId: 't1' }),
      }),
      ['ChargingProfileType.transactionId'],
    )
  })

  it('OCPP 2.1: a PriorityCharging period is ChargingOnly (K01.FR.71)', () => {
    const s = aProfile().chargingSchedule[0]
    assert.ok(s)
    const priority = (operationMode?: string) =>
      aProfile({
        chargingProfilePurpose: 'PriorityCharging',
        chargingSchedule: [
          {
            ...s,
            chargingSchedulePeriod: [
              { startPeriod: 0, limit: 16, ...(operationMode ? { operationMode } : {}) },
            ],
          },
        ],
      })
    assert.deepEqual(rules({ profile: priority('CentralSetpoint'), version: 'v21' }), ['K01.FR.71'])
    assert.deepEqual(rules({ profile: priority('ChargingOnly'), version: 'v21' }), [])
    assert.deepEqual(rules({ profile: priority(), version: 'v21' }), [])
  })

  it("on a balanced station, nothing may take precedence over the balancer's profiles", () => {
    const balanced = { balancerStackLevel: 1 }
    const tx = aProfile({ chargingProfilePurpose: 'TxProfile', transactionId: 't1' })
    assert.deepEqual(rules({ ...balanced, profile: { ...tx, stackLevel: 2 } }), ['CSMS.balanced-site'])
    assert.deepEqual(rules({ ...balanced, profile: { ...tx, stackLevel: 0 } }), [])
    assert.deepEqual(rules({ ...balanced, evseId: 0, profile: aProfile({ stackLevel: 5 }) }), [
      'CSMS.balanced-site',
    ])
    assert.deepEqual(rules({ ...balanced, evseId: 0, profile: aProfile({ stackLevel: 0 }) }), [])
    const max = aProfile({ chargingProfilePurpose: 'ChargingStationMaxProfile', stackLevel: 9 })
    assert.deepEqual(rules({ ...balanced, evseId: 0, profile: max }), [])
    assert.deepEqual(
      rules({
        ...balanced,
        version: 'v21',
        profile: aProfile({ chargingProfilePurpose: 'PriorityCharging', stackLevel: 0 }),
      }),
      ['CSMS.balanced-site'],
    )
    assert.deepEqual(rules({ profile: { ...tx, stackLevel: 2 } }), [], 'an unbalanced station')
  })

  it('K05: the profile of a RequestStartTransaction is a TxProfile without transactionId (F01.FR.09, F01.FR.11)', () => {
    const start = (o: Partial<ProfileLike>, evseId = 1) =>
      rules({
        origin: 'RequestStartTransaction',
        evseId,
        transactions: new Map(),
        profile: aProfile({
          chargingProfilePurpose: 'TxProfile',
          chargingProfileKind: 'Relative',
          ...o,
          chargingSchedule: [
            { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
          ],
        }),
      })
    assert.deepEqual(start({}), [])
    assert.deepEqual(start({}, 0), [], 'no evseId given: the station picks one')
    assert.deepEqual(start({ transactionId: 't1' }), ['F01.FR.11'])
    assert.deepEqual(start({ chargingProfilePurpose: 'TxDefaultProfile' }), ['F01.FR.09'])
    assert.deepEqual(start({ stackLevel: 3 }).length, 0)
    assert.deepEqual(
      rules({
        origin: 'RequestStartTransaction',
        balancerStackLevel: 1,
        profile: aProfile({ chargingProfilePurpose: 'TxProfile', stackLevel: 3 }),
      }),
      ['CSMS.balanced-site'],
    )
  })

  it('refuses the ids reserved for load balancing', () => {
    assert.deepEqual(
      rules({
        profile: aProfile({ id: 2_100_000_001 }),
        reservedIds: { min: 2_100_000_000, max: 2_100_200_000 },
      }),
      ['CSMS.reserved-id'],
    )
  })

  it('K10.FR.02 / K10.FR.06 and K09.FR.03 for clearing and reporting', () => {
    assert.deepEqual(
      checkClearChargingProfile({}).map((v) => v.rule),
      ['K10.FR.02'],
    )
    assert.deepEqual(checkClearChargingProfile({ chargingProfileId: 3 }), [])
    assert.deepEqual(
      checkClearChargingProfile({
        criteria: { chargingProfilePurpose: 'ChargingStationExternalConstraints' },
      }).map((v) => v.rule),
      ['K10.FR.06'],
    )
    assert.deepEqual(
      checkGetChargingProfiles({ chargingProfileId: [1], stackLevel: 0 }).map((v) => v.rule),
      ['K09.FR.03'],
    )
  })
})
