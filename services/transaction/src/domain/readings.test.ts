import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { baseUnit, normalize, readingsFromV2, readingsFromV16 } from './readings.js'

describe('sampled values', () => {
  it('applies unit and multiplier into the base unit without float noise', () => {
    assert.equal(normalize(12.345, 'kWh', 0), 12_345)
    assert.equal(normalize(1234.5, 'Wh', 1), 12_345)
    assert.equal(normalize(123_450, 'Wh', -1), 12_345)
    assert.equal(normalize(1.2345, 'kWh', 1), 12_345)
    assert.equal(normalize(7.2, 'kW', 0), 7200)
    assert.equal(normalize(230.1, 'V', 0), 230.1)
    assert.equal(baseUnit('kvarh'), 'varh')
  })

  it('fills the 2.0.1 defaults: Energy.Active.Import.Register, Outlet, Sample.Periodic, Wh, multiplier 0', () => {
    const [r] = readingsFromV2([{ timestamp: '2026-11-26T10:00:00+01:00', sampledValue: [{ value: 1500 }] }])
    assert.deepEqual(r, {
      at: '2026-11-26T09:00:00.000Z',
      measurand: 'Energy.Active.Import.Register',
      phase: '',
      location: 'Outlet',
      context: 'Sample.Periodic',
      unit: 'Wh',
      multiplier: 0,
      value: 1500,
      normalized: 1500,
      signed: null,
    })
  })

  it('keeps every measurand, phase and location of a message', () => {
    const readings = readingsFromV2([
      {
        timestamp: '2026-11-26T10:00:00Z',
        sampledValue: [
          { value: 16.1, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
          { value: 16.2, measurand: 'Current.Import', phase: 'L2', unitOfMeasure: { unit: 'A' } },
          { value: 80, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
        ],
      },
    ])
    assert.deepEqual(
      readings.map((r) => [r.measurand, r.phase, r.location, r.unit]),
      [
        ['Current.Import', 'L1', 'Outlet', 'A'],
        ['Current.Import', 'L2', 'Outlet', 'A'],
        ['SoC', '', 'EV', 'Percent'],
      ],
    )
  })

  it('reads 1.6 string values and keeps signed data unparsed', () => {
    const readings = readingsFromV16([
      {
        timestamp: '2026-11-26T10:00:00Z',
        sampledValue: [
          { value: '12.5', unit: 'kWh' },
          { value: 'AQIDBA==', format: 'SignedData' },
        ],
      },
    ])
    assert.equal(readings[0]?.normalized, 12_500)
    assert.equal(readings[1]?.value, null)
    assert.deepEqual(readings[1]?.signed, { format: 'SignedData', data: 'AQIDBA==' })
  })
})
