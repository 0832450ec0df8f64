import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorCodeFor, errorCodesOf, isErrorCodeOf } from './error-codes.js'

describe('error codes', () => {
  it('spells the 1.6 codes as OCPP-J 1.6 prints them, typos kept', () => {
    assert.ok(isErrorCodeOf('v16', 'FormationViolation'))
    assert.ok(isErrorCodeOf('v16', 'OccurenceConstraintViolation'))
    assert.equal(isErrorCodeOf('v16', 'FormatViolation'), false)
    assert.equal(isErrorCodeOf('v16', 'RpcFrameworkError'), false)
    assert.equal(errorCodesOf('v16').length, 10)
  })

  it('spells the 2.x codes as OCPP 2.0.1 part 4 does, for 2.1 too', () => {
    for (const v of ['v201', 'v21'] as const) {
      assert.ok(isErrorCodeOf(v, 'FormatViolation'))
      assert.ok(isErrorCodeOf(v, 'OccurrenceConstraintViolation'))
      assert.ok(isErrorCodeOf(v, 'MessageTypeNotSupported'))
      assert.ok(isErrorCodeOf(v, 'RpcFrameworkError'))
      assert.equal(isErrorCodeOf(v, 'FormationViolation'), false)
      assert.equal(errorCodesOf(v).length, 12)
    }
  })

  it('translates a code into the spelling of the version a station speaks', () => {
    assert.equal(errorCodeFor('v16', 'FormatViolation'), 'FormationViolation')
    assert.equal(errorCodeFor('v16', 'OccurrenceConstraintViolation'), 'OccurenceConstraintViolation')
    assert.equal(errorCodeFor('v16', 'RpcFrameworkError'), 'FormationViolation')
    assert.equal(errorCodeFor('v201', 'FormationViolation'), 'FormatViolation')
    assert.equal(errorCodeFor('v21', 'OccurenceConstraintViolation'), 'OccurrenceConstraintViolation')
    assert.equal(errorCodeFor('v201', 'InternalError'), 'InternalError')
    assert.equal(errorCodeFor('v201', 'Teapot'), 'GenericError')
  })

  it('maps every code of every version to a valid code of every version', () => {
    for (const from of ['v16', 'v201', 'v21'] as const) {
      for (const code of errorCodesOf(from)) {
        for (const to of ['v16', 'v201', 'v21'] as const)
          assert.ok(isErrorCodeOf(to, errorCodeFor(to, code)), `${code} ${to}`)
      }
    }
  })
})
