import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { createAjv } from '../../test/support/ajv-validators.js'
import { nearDateTime, validDateTime } from '../../test/support/format-arbitraries.js'
import { isDateTime } from './date-time.js'

const ajvDateTime = createAjv().compile({ type: 'string', format: 'date-time' })

describe('isDateTime', () => {
  it('accepts RFC 3339 date-times with an offset', () => {
    for (const s of [
      '2024-05-01T12:00:00Z',
      '2024-05-01T12:00:00.123+02:00',
      '2024-02-29t23:59:59.5z',
      '2024-05-01 12:00:00-0130',
    ]) {
      assert.equal(isDateTime(s), true, s)
    }
  })

  it('rejects a date-time without an offset, as OCPP and ajv-formats require one', () => {
    assert.equal(isDateTime('2024-05-01T12:00:00'), false)
    assert.equal(isDateTime('2024-05-01T12:00:00.000'), false)
  })

  it('rejects impossible dates and times', () => {
    for (const s of [
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
    ]) {
      assert.equal(isDateTime(s), false, s)
    }
  })

  it('accepts a leap second only at 23:59:60 UTC', () => {
    assert.equal(isDateTime('2016-12-31T23:59:60Z'), true)
    assert.equal(isDateTime('2017-01-01T00:59:60+01:00'), true)
    assert.equal(isDateTime('2016-12-31T12:59:60Z'), false)
  })

  it('agrees with ajv-formats on valid date-times', () => {
    fc.assert(
      fc.property(validDateTime, (s) => isDateTime(s) && ajvDateTime(s)),
      { numRuns: 3000, seed: 11 },
    )
  })

  it('agrees with ajv-formats on near misses, leap seconds and rounding fractions', () => {
    fc.assert(
      fc.property(nearDateTime, (s) => isDateTime(s) === ajvDateTime(s)),
      { numRuns: 5000, seed: 12 },
    )
  })

  it('agrees with ajv-formats on arbitrary strings', () => {
    const noise = fc.string({
      unit: fc.constantFrom('0', '1', '2', '9', '-', ':', 'T', 'Z', '+', '.', ' ', 'x'),
      maxLength: 30,
    })
    fc.assert(
      fc.property(noise, (s) => isDateTime(s) === ajvDateTime(s)),
      { numRuns: 5000, seed: 13 },
    )
  })
})
