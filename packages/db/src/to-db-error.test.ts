import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DbError, isDbError } from './db-error.js'
import { toDbError } from './to-db-error.js'

// The shape pg gives a server error: a message, a SQLSTATE in `code`, a severity, details.
function pgError(code: string, extra: Record<string, string> = {}): Error {
  return Object.assign(new Error(`server said ${code}`), { code, severity: 'ERROR', ...extra })
}

describe('toDbError', () => {
  it('maps a unique violation with its constraint and table', () => {
    const error = toDbError(pgError('23505', { constraint: 'stations_pkey', table: 'stations' }))
    assert.equal(error.code, 'unique_violation')
    assert.equal(error.retryable, false)
    assert.equal(error.sqlState, '23505')
    assert.equal(error.constraint, 'stations_pkey')
    assert.equal(error.table, 'stations')
  })

  it('maps a foreign key violation', () => {
    assert.equal(toDbError(pgError('23503')).code, 'foreign_key_violation')
  })

  for (const code of ['40001', '40P01']) {
    it(`maps ${code} to a retryable serialization_failure`, () => {
      const error = toDbError(pgError(code))
      assert.deepEqual([error.code, error.retryable], ['serialization_failure', true])
    })
  }

  for (const code of ['08000', '08003', '08006', '08P01', '57P01', '57P02', '57P03', '53300']) {
    it(`maps ${code} to a retryable connection error`, () => {
      const error = toDbError(pgError(code))
      assert.deepEqual([error.code, error.retryable], ['connection', true])
    })
  }

  it('maps a cancelled statement (statement_timeout) to a retryable timeout', () => {
    assert.deepEqual(
      [toDbError(pgError('57014')).code, toDbError(pgError('57014')).retryable],
      ['timeout', true],
    )
  })

  it('maps socket errors without a SQLSTATE to connection', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    const error = toDbError(refused)
    assert.equal(error.code, 'connection')
    assert.equal(error.sqlState, undefined)
    const pipe = toDbError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
    assert.deepEqual([pipe.code, pipe.sqlState], ['connection', undefined])
  })

  it("maps pg's message-only connection errors", () => {
    assert.equal(toDbError(new Error('Connection terminated unexpectedly')).code, 'connection')
    assert.equal(toDbError(new Error('timeout exceeded when trying to connect')).code, 'timeout')
  })

  it('keeps anything else as a non-retryable unknown with the cause attached', () => {
    const original = pgError('42P01')
    const error = toDbError(original)
    assert.deepEqual([error.code, error.retryable, error.sqlState], ['unknown', false, '42P01'])
    assert.equal(error.cause, original)
    assert.equal(toDbError('a string').code, 'unknown')
  })

  it('passes a DbError through unchanged', () => {
    const error = new DbError('already mapped', { code: 'timeout', retryable: true })
    assert.equal(toDbError(error), error)
  })
})

describe('isDbError', () => {
  it('recognises a DbError by its shape', () => {
    assert.equal(isDbError(new DbError('x', { code: 'unknown', retryable: false })), true)
    assert.equal(isDbError(new Error('x')), false)
    assert.equal(isDbError({ name: 'DbError', code: 'unknown' }), false)
  })
})
