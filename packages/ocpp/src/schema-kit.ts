import { z } from 'zod'
import { fitsMaxLength } from './formats/code-point-length.js'
import { isDateTime } from './formats/date-time.js'
import { isUri } from './formats/uri.js'

/**
 * The building blocks the generated schemas are made of. Each one is a zod schema with the exact
 * JSON Schema meaning of its keywords, and records those keywords in `schemaRules`, which lets the
 * validator compiler emit a specialised check without reading zod's internal check objects.
 */
export type StringRule = { kind: 'string'; maxLength?: number; format?: 'date-time' | 'uri' }
export type NumberRule = {
  kind: 'number'
  integer: boolean
  minimum?: number
  maximum?: number
  multipleOf?: number
}
export type ArrayRule = { kind: 'array'; minItems?: number; maxItems?: number }
export type SchemaRule = StringRule | NumberRule | ArrayRule

export const schemaRules = z.registry<SchemaRule>()

/** The JSON Schema keyword a failed check stands for; the error mapping reads it from the issue. */
export type Keyword = 'maxLength' | 'format' | 'integer' | 'multipleOf'

function keyword(k: Keyword, message: string) {
  return { params: { keyword: k }, message }
}

function stringOf(rule: StringRule, check?: (s: string) => boolean, failure?: [Keyword, string]) {
  let s = z.string()
  if (rule.maxLength !== undefined) {
    const max = rule.maxLength
    s = s.refine((v) => fitsMaxLength(v, max), keyword('maxLength', `longer than ${max} characters`))
  }
  if (check && failure) s = s.refine(check, keyword(failure[0], failure[1]))
  schemaRules.add(s, rule)
  return s
}

/** `{ type: 'string', maxLength }`: the length counts Unicode code points, as JSON Schema does. */
export function string(maxLength?: number): z.ZodString {
  return stringOf(maxLength === undefined ? { kind: 'string' } : { kind: 'string', maxLength })
}

/** `{ type: 'string', format: 'date-time' }`: RFC 3339 with a mandatory offset. */
export function dateTime(maxLength?: number): z.ZodString {
  const rule: StringRule = { kind: 'string', format: 'date-time' }
  if (maxLength !== undefined) rule.maxLength = maxLength
  return stringOf(rule, isDateTime, ['format', 'not an RFC 3339 date-time with offset'])
}

/** `{ type: 'string', format: 'uri' }`. */
export function uri(maxLength?: number): z.ZodString {
  const rule: StringRule = { kind: 'string', format: 'uri' }
  if (maxLength !== undefined) rule.maxLength = maxLength
  return stringOf(rule, isUri, ['format', 'not an RFC 3986 URI'])
}

export type NumberBounds = { minimum?: number; maximum?: number; multipleOf?: number }

/**
 * `{ type: 'integer' }`: any finite number without a fraction, as JSON Schema defines it, not
 * zod's `int()`, which also caps at 2^53.
 */
export function integer(bounds: NumberBounds = {}): z.ZodNumber {
  return numberOf({ kind: 'number', integer: true, ...bounds })
}

/** `{ type: 'number' }`, with `multipleOf` read with a 1e-6 tolerance (see `isMultipleOf`). */
export function number(bounds: NumberBounds = {}): z.ZodNumber {
  return numberOf({ kind: 'number', integer: false, ...bounds })
}

function numberOf(rule: NumberRule): z.ZodNumber {
  let n = z.number()
  if (rule.integer) n = n.refine(Number.isInteger, keyword('integer', 'not an integer'))
  if (rule.minimum !== undefined) n = n.min(rule.minimum)
  if (rule.maximum !== undefined) n = n.max(rule.maximum)
  if (rule.multipleOf !== undefined) {
    const step = rule.multipleOf
    n = n.refine((v) => isMultipleOf(v, step), keyword('multipleOf', `not a multiple of ${step}`))
  }
  schemaRules.add(n, rule)
  return n
}

/**
 * OCPP 1.6 limits in amperes or watts carry `multipleOf: 0.1`; read exactly in binary floating
 * point, 0.3 would not be a multiple of 0.1. Like ocpp-rpc, and like ajv with
 * `multipleOfPrecision: 6`, a value within 1e-6 of a whole multiple counts as one.
 */
export function isMultipleOf(value: number, step: number): boolean {
  const ratio = value / step
  // Negated so that a ratio overflowing to Infinity (value near 1.8e308) passes, as in ajv: at that
  // size every double is a multiple of 0.1.
  return !(Math.abs(Math.round(ratio) - ratio) > 1e-6)
}

export type ArrayBounds = { minItems?: number; maxItems?: number }

/** `{ type: 'array', items, minItems, maxItems }`. */
export function array<T extends z.ZodType>(item: T, bounds: ArrayBounds = {}): z.ZodArray<T> {
  let a = z.array(item)
  if (bounds.minItems !== undefined) a = a.min(bounds.minItems)
  if (bounds.maxItems !== undefined) a = a.max(bounds.maxItems)
  schemaRules.add(a, { kind: 'array', ...bounds })
  return a
}
