import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OcppVersion } from '../versions.js'
import { validateRequest, validateResponse } from './validate.js'

const aStatusNotification201 = (over: Record<string, unknown> = {}) => ({
  timestamp: '2024-05-01T12:00:00Z',
  connectorStatus: 'Available',
  evseId: 1,
  connectorId: 1,
  ...over,
})

const aStartTransaction16 = (over: Record<string, unknown> = {}) => ({
  connectorId: 1,
  idTag: 'TAG-1',
  meterStart: 0,
  timestamp: '2024-05-01T12:00:00Z',
  ...over,
})

function failure(v: OcppVersion, action: string, payload: unknown) {
  const result = validateRequest(v, action, payload)
  if (result.ok) throw new Error(`expected ${action} to fail: ${JSON.stringify(payload)}`)
  return result.error
}

const aStatusNotification16 = (over: Record<string, unknown> = {}) => ({
  connectorId: 1,
  errorCode: 'NoError',
  status: 'Available',
  ...over,
})

type Case = { rule: string; v16: [string, unknown]; v2: [string, unknown]; v16Code: string; v2Code: string }

const CASES: Case[] = [
  {
    rule: 'S1 a wrong JSON type',
    v16: ['StartTransaction', aStartTransaction16({ meterStart: '0' })],
    v2: ['StatusNotification', aStatusNotification201({ evseId: '1' })],
    v16Code: 'TypeConstraintViolation',
    v2Code: 'TypeConstraintViolation',
  },
  {
    rule: 'S1 a fraction where an integer belongs',
    v16: ['StartTransaction', aStartTransaction16({ connectorId: 1.5 })],
    v2: ['StatusNotification', aStatusNotification201({ evseId: 1.5 })],
    v16Code: 'TypeConstraintViolation',
    v2Code: 'TypeConstraintViolation',
  },
  {
    rule: 'S1 a number where an enumerated string belongs',
    v16: ['StatusNotification', aStatusNotification16({ status: 3 })],
    v2: ['StatusNotification', aStatusNotification201({ connectorStatus: 3 })],
    v16Code: 'TypeConstraintViolation',
    v2Code: 'TypeConstraintViolation',
  },
  {
    rule: 'S2 a string over its maxLength',
    v16: ['StartTransaction', aStartTransaction16({ idTag: 'x'.repeat(21) })],
    v2: ['StatusNotification', aStatusNotification201({ customData: { vendorId: 'v'.repeat(256) } })],
    v16Code: 'TypeConstraintViolation',
    v2Code: 'TypeConstraintViolation',
  },
  {
    rule: 'S3 a missing required property',
    v16: ['StartTransaction', aStartTransaction16({ idTag: undefined })],
    v2: ['StatusNotification', aStatusNotification201({ evseId: undefined })],
    v16Code: 'OccurenceConstraintViolation',
    v2Code: 'OccurrenceConstraintViolation',
  },
  {
    rule: 'S5 a value outside the enumeration',
    v16: ['StatusNotification', aStatusNotification16({ status: 'Occupied' })],
    v2: ['StatusNotification', aStatusNotification201({ connectorStatus: 'Charging' })],
    v16Code: 'PropertyConstraintViolation',
    v2Code: 'PropertyConstraintViolation',
  },
  {
    rule: 'S7 a property the schema does not define',
    v16: ['StartTransaction', aStartTransaction16({ transactionId: 4 })],
    v2: ['StatusNotification', aStatusNotification201({ status: 'Available' })],
    v16Code: 'FormationViolation',
    v2Code: 'FormatViolation',
  },
  {
    rule: 'S8 a date-time without offset',
    v16: ['StartTransaction', aStartTransaction16({ timestamp: '2024-05-01T12:00:00' })],
    v2: ['StatusNotification', aStatusNotification201({ timestamp: '2024-05-01 12:00' })],
    v16Code: 'FormationViolation',
    v2Code: 'FormatViolation',
  },
  {
    rule: 'S8 a location that is not a URI',
    v16: ['UpdateFirmware', { location: 'not a uri', retrieveDate: '2024-05-01T12:00:00Z' }],
    v2: ['UpdateFirmware', { requestId: 1, firmware: { location: 'x', retrieveDateTime: 'yesterday' } }],
    v16Code: 'FormationViolation',
    v2Code: 'FormatViolation',
  },
  {
    rule: 'S9 a payload that is not an object',
    v16: ['Heartbeat', []],
    v2: ['Heartbeat', 'ping'],
    v16Code: 'FormationViolation',
    v2Code: 'ProtocolError',
  },
]

/** What a station would send: undefined properties dropped, as JSON drops them. */
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown

describe('validateRequest', () => {
  for (const { rule, v16, v2, v16Code, v2Code } of CASES) {
    it(`answers ${rule} with ${v16Code} in 1.6 and ${v2Code} in 2.x`, () => {
      assert.equal(failure('v16', v16[0], json(v16[1])).code, v16Code)
      assert.equal(failure('v201', v2[0], json(v2[1])).code, v2Code)
      assert.equal(failure('v21', v2[0], json(v2[1])).code, v2Code)
    })
  }

  it('S4 answers too few or too many array items with an occurrence violation', () => {
    const meterValues = { evseId: 1, meterValue: [] }
    assert.equal(failure('v201', 'MeterValues', meterValues).code, 'OccurrenceConstraintViolation')
    const getVariables = { getVariableData: [] }
    assert.equal(failure('v201', 'GetVariables', getVariables).code, 'OccurrenceConstraintViolation')
    const v16MeterValues = {
      connectorId: 1,
      meterValue: [{ timestamp: '2024-05-01T12:00:00Z', sampledValue: 'x' }],
    }
    assert.equal(failure('v16', 'MeterValues', v16MeterValues).code, 'TypeConstraintViolation')
  })

  it('S6 answers a number out of range or off its step with a property violation', () => {
    const profile = {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
    }
    const schedule = { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.05 }] }
    const request = { connectorId: 1, csChargingProfiles: { ...profile, chargingSchedule: schedule } }
    assert.equal(failure('v16', 'SetChargingProfile', request).code, 'PropertyConstraintViolation')
    const fine = {
      connectorId: 1,
      csChargingProfiles: {
        ...profile,
        chargingSchedule: { ...schedule, chargingSchedulePeriod: [{ startPeriod: 0, limit: 0.3 }] },
      },
    }
    assert.equal(validateRequest('v16', 'SetChargingProfile', fine).ok, true)
    const needs = (stateOfCharge: number) => ({
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'DC',
        dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 800, stateOfCharge },
      },
    })
    assert.equal(validateRequest('v201', 'NotifyEVChargingNeeds', needs(100)).ok, true)
    assert.equal(failure('v201', 'NotifyEVChargingNeeds', needs(101)).code, 'PropertyConstraintViolation')
    assert.equal(failure('v201', 'NotifyEVChargingNeeds', needs(-1)).code, 'PropertyConstraintViolation')
  })

  it('names the failing place as a JSON pointer, and the keyword, in the details', () => {
    const error = failure(
      'v201',
      'StatusNotification',
      aStatusNotification201({ customData: { vendorId: 7 } }),
    )
    assert.deepEqual(error.details, { path: '/customData/vendorId', keyword: 'type' })
    assert.match(error.description, /^\/customData\/vendorId: /)
  })

  it('keeps customData open to vendor properties', () => {
    const payload = aStatusNotification201({ customData: { vendorId: 'acme', anything: { goes: [1, 2] } } })
    assert.equal(validateRequest('v201', 'StatusNotification', payload).ok, true)
  })

  it('returns the payload itself as the value, since the schemas transform nothing', () => {
    const payload = aStatusNotification201()
    const result = validateRequest('v201', 'StatusNotification', payload)
    assert.ok(result.ok)
    assert.equal(result.value, payload)
  })

  it('S10 answers an unknown action with NotImplemented', () => {
    assert.equal(failure('v201', 'NoSuchAction', {}).code, 'NotImplemented')
    assert.equal(failure('v16', '__proto__', {}).code, 'NotImplemented')
  })
})

describe('validateResponse', () => {
  it('checks a CALLRESULT payload against the response schema', () => {
    assert.equal(validateResponse('v201', 'Heartbeat', { currentTime: '2024-05-01T12:00:00Z' }).ok, true)
    const result = validateResponse('v16', 'BootNotification', {
      status: 'Accepted',
      currentTime: '2024-05-01T12:00:00Z',
      interval: 1.5,
    })
    assert.equal(result.ok ? '' : result.error.code, 'TypeConstraintViolation')
  })

  it('S10 has no response schema for a 2.1 SEND-only action', () => {
    const result = validateResponse('v21', 'NotifyPeriodicEventStream', {})
    assert.equal(result.ok ? '' : result.error.code, 'ProtocolError')
  })
})
