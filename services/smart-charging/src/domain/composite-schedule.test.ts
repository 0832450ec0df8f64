import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { InstalledProfile, ProfileLike } from './charging-profile.js'
import { compositeSchedule } from './composite-schedule.js'
import { compareSchedules } from './schedule-compare.js'

const T0 = Date.parse('2026-03-02T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

function installed(
  evseId: number,
  p: Partial<ProfileLike> & {
    periods: Array<[number, number]>
    unit?: 'A' | 'W'
    start?: number
    duration?: number
  },
): InstalledProfile {
  const { periods, unit, start, duration, ...rest } = p
  return {
    evseId,
    setAt: T0 - 3_600_000,
    profile: {
      id: Math.floor(Math.random() * 1e6),
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [
        {
          id: 1,
          startSchedule: rest.chargingProfileKind === 'Relative' ? undefined : iso(start ?? T0 - 3_600_000),
          duration,
          chargingRateUnit: unit ?? 'W',
          chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
        },
      ],
      ...rest,
    },
  }
}

const q = (o: object = {}) => ({
  evseId: 1,
  from: T0,
  durationS: 3_600,
  unit: 'W' as const,
  transaction: { id: 'tx', startedAt: T0 - 600_000 },
  electrical: { voltage: 230, phases: 3 as const },
  ...o,
})

describe('composite schedule (K08)', () => {
  it('takes the TxProfile over the TxDefaultProfile, capped by the station maximum', () => {
    const out = compositeSchedule(
      [
        installed(0, { periods: [[0, 11_000]] }),
        installed(1, { chargingProfilePurpose: 'TxProfile', transactionId: 'tx', periods: [[0, 20_000]] }),
        installed(0, { chargingProfilePurpose: 'ChargingStationMaxProfile', periods: [[0, 15_000]] }),
      ],
      [],
      q(),
    )
    assert.deepEqual(out, [{ startPeriod: 0, limit: 15_000 }])
  })

  it('follows periods, stack levels and durations over time, in A', () => {
    const out = compositeSchedule(
      [
        installed(1, { periods: [[0, 32]], unit: 'A' }),
        installed(1, {
          stackLevel: 2,
          periods: [
            [0, 16],
            [1_800, 10],
          ],
          unit: 'A',
          start: T0,
          duration: 2_400,
        }),
      ],
      [],
      q({ unit: 'A' }),
    )
    assert.deepEqual(out, [
      { startPeriod: 0, limit: 16 },
      { startPeriod: 1_800, limit: 10 },
      { startPeriod: 2_400, limit: 32 },
    ])
  })

  it('starts a Relative profile at the transaction start and applies external limits', () => {
    const out = compositeSchedule(
      [
        installed(1, {
          chargingProfileKind: 'Relative',
          periods: [
            [0, 7_000],
            [900, 3_000],
          ],
        }),
      ],
      [
        {
          evseId: 0,
          setAt: T0,
          schedules: [
            {
              id: 1,
              startSchedule: iso(T0 + 1_200_000),
              chargingRateUnit: 'W',
              chargingSchedulePeriod: [{ startPeriod: 0, limit: 1_000 }],
            },
          ],
        },
      ],
      q(),
    )
    assert.deepEqual(out, [
      { startPeriod: 0, limit: 7_000 },
      { startPeriod: 300, limit: 3_000 },
      { startPeriod: 1_200, limit: 1_000 },
    ])
  })

  it('repeats a daily Recurring profile and ignores Tx profiles without a transaction', () => {
    const recurring = installed(0, {
      chargingProfilePurpose: 'ChargingStationMaxProfile',
      chargingProfileKind: 'Recurring',
      recurrencyKind: 'Daily',
      start: Date.parse('2026-01-01T11:30:00Z'),
      duration: 3_600,
      periods: [[0, 5_000]],
    })
    const out = compositeSchedule(
      [recurring, installed(1, { periods: [[0, 9_000]] })],
      [],
      q({ transaction: undefined, durationS: 7_200 }),
    )
    assert.deepEqual(out, [
      { startPeriod: 0, limit: 5_000 },
      { startPeriod: 1_800, limit: undefined },
    ])
  })

  it('flags where a reported schedule differs beyond rounding', () => {
    const expected = [
      { startPeriod: 0, limit: 16 },
      { startPeriod: 600, limit: 10 },
    ]
    const tolerance = () => 0.5
    assert.deepEqual(
      compareSchedules(
        expected,
        [
          { startPeriod: 0, limit: 16.2 },
          { startPeriod: 600, limit: 10 },
        ],
        { durationS: 3_600, tolerance },
      ),
      [],
    )
    assert.deepEqual(
      compareSchedules(expected, [{ startPeriod: 0, limit: 16 }], { durationS: 3_600, tolerance }),
      [{ atS: 600, expected: 10, reported: 16 }],
    )
  })

  it('takes the computed schedule as a cap only for evseId 0 (the station sums its EVSEs)', () => {
    const cap = [{ startPeriod: 0, limit: 32 }]
    const tolerance = () => 0.5
    const lower = [{ startPeriod: 0, limit: 20 }]
    assert.deepEqual(compareSchedules(cap, lower, { durationS: 600, tolerance, upperBound: true }), [])
    assert.deepEqual(compareSchedules(cap, lower, { durationS: 600, tolerance }), [
      { atS: 0, expected: 32, reported: 20 },
    ])
    assert.deepEqual(
      compareSchedules(cap, [{ startPeriod: 0, limit: 40 }], { durationS: 600, tolerance, upperBound: true }),
      [{ atS: 0, expected: 32, reported: 40 }],
    )
  })
})
