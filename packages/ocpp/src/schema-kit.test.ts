import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { z } from 'zod'
import { dateTime, integer, isMultipleOf, number, string } from './schema-kit.js'

describe('schema-kit', () => {
  it('reads multipleOf 0.1 with the 1e-6 tolerance binary fractions need', () => {
    assert.equal(isMultipleOf(0.3, 0.1), true)
    assert.equal(isMultipleOf(16.7, 0.1), true)
    assert.equal(isMultipleOf(0.35, 0.1), false)
    assert.equal(isMultipleOf(-2.2, 0.1), true)
  })

  it('counts a value whose ratio overflows to Infinity as a multiple, as ajv does', () => {
    assert.equal(isMultipleOf(1.797693134862316e307, 0.1), true)
  })

  it('takes integers beyond 2^53, as JSON Schema does and zod int() would not', () => {
    assert.equal(integer().safeParse(1e20).success, true)
    assert.equal(integer().safeParse(1.5).success, false)
    assert.equal(number().safeParse(Number.POSITIVE_INFINITY).success, false)
  })

  it('reports the keyword a failed check stands for in the issue params', () => {
    const issue = (schema: z.ZodType, v: unknown) => {
      const first = schema.safeParse(v).error?.issues[0]
      return first?.code === 'custom' ? first.params : undefined
    }
    assert.deepEqual(issue(string(2), 'abc'), { keyword: 'maxLength' })
    assert.deepEqual(issue(dateTime(), 'today'), { keyword: 'format' })
    assert.deepEqual(issue(integer(), 0.5), { keyword: 'integer' })
    assert.deepEqual(issue(number({ multipleOf: 0.1 }), 0.05), { keyword: 'multipleOf' })
  })
})
