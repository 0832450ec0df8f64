import type { z } from 'zod'
import { errorCodeFor, type V2ErrorCode } from '../error-codes.js'
import type { OcppVersion } from '../versions.js'

export type ValidationError = { code: string; description: string; details: unknown }

/** The JSON Schema keyword a payload broke; `payload` is "the payload is not an object at all". */
export type FailedKeyword =
  | 'payload'
  | 'type'
  | 'required'
  | 'additionalProperties'
  | 'enum'
  | 'maxLength'
  | 'format'
  | 'minimum'
  | 'maximum'
  | 'multipleOf'
  | 'minItems'
  | 'maxItems'

/**
 * Which CALLERROR code each kind of schema failure gets (README, "Schema failures"), in 2.x
 * spelling; `errorCodeFor` spells it for 1.6. The table descriptions of OCPP-J decide:
 * a wrong JSON type or an over-long CiString breaks a data type constraint, a missing field or a
 * wrong number of array items an occurrence constraint, an enum or range a property constraint,
 * and an unknown field or a malformed date-time makes the payload syntactically incorrect.
 */
const CODE: Record<Exclude<FailedKeyword, 'payload'>, V2ErrorCode> = {
  type: 'TypeConstraintViolation',
  maxLength: 'TypeConstraintViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  enum: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  additionalProperties: 'FormatViolation',
  format: 'FormatViolation',
}

export function codeForKeyword(v: OcppVersion, keyword: FailedKeyword): string {
  // A payload that is not an object "does not conform to the PDU structure": OCPP-J 2.0.1 calls
  // that ProtocolError, while 1.6 gives those words to FormationViolation.
  if (keyword === 'payload') return v === 'v16' ? 'FormationViolation' : 'ProtocolError'
  return errorCodeFor(v, CODE[keyword])
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = root
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return { found: false, value: undefined }
    }
    current = (current as Record<PropertyKey, unknown>)[segment]
  }
  return { found: true, value: current }
}

/** RFC 6901 JSON Pointer, the way ajv and most tools name a place in a payload. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

function keywordOf(
  issue: z.core.$ZodIssue,
  payload: unknown,
): { keyword: FailedKeyword; path: PropertyKey[] } {
  const path = [...issue.path]
  if (path.length > 0 && !valueAt(payload, path).found) return { keyword: 'required', path }
  switch (issue.code) {
    case 'invalid_type':
      return { keyword: path.length === 0 ? 'payload' : 'type', path }
    case 'invalid_value':
      return { keyword: typeof valueAt(payload, path).value === 'string' ? 'enum' : 'type', path }
    case 'unrecognized_keys':
      return { keyword: 'additionalProperties', path: [...path, issue.keys[0] ?? ''] }
    case 'too_small':
      return { keyword: issue.origin === 'array' ? 'minItems' : 'minimum', path }
    case 'too_big':
      return { keyword: issue.origin === 'array' ? 'maxItems' : 'maximum', path }
    case 'custom': {
      const k = (issue.params as { keyword?: string } | undefined)?.keyword
      const keyword = k === 'integer' ? 'type' : k === 'maxLength' || k === 'multipleOf' ? k : 'format'
      return { keyword, path }
    }
    default:
      return { keyword: 'format', path }
  }
}

const WHAT: Record<FailedKeyword, string> = {
  payload: 'the payload must be a JSON object',
  type: 'wrong JSON type',
  required: 'required property missing',
  additionalProperties: 'property not allowed by the schema',
  enum: 'value not in the enumeration',
  maxLength: 'string too long',
  format: 'malformed value',
  minimum: 'number below the minimum',
  maximum: 'number above the maximum',
  multipleOf: 'number not a multiple of the step',
  minItems: 'too few array items',
  maxItems: 'too many array items',
}

/** Turns zod's first issue into the CALLERROR a station gets. Runs only when validation failed. */
export function issueToError(
  v: OcppVersion,
  payload: unknown,
  issues: readonly z.core.$ZodIssue[],
): ValidationError {
  const first = issues[0]
  if (!first) return { code: errorCodeFor(v, 'GenericError'), description: 'invalid payload', details: {} }
  const { keyword, path } = keywordOf(first, payload)
  const pointer = jsonPointer(path)
  // zod's own words help for types and our checks; for the rest they only repeat the keyword.
  const detail = first.code === 'invalid_type' || first.code === 'custom' ? ` (${first.message})` : ''
  return {
    code: codeForKeyword(v, keyword),
    description: `${pointer || 'payload'}: ${WHAT[keyword]}${detail}`,
    details: { path: pointer, keyword },
  }
}
