import type { z } from 'zod'
import { errorCodeFor } from '../error-codes.js'
import {
  type ActionInfo,
  type ActionOf,
  actionInfo,
  type RequestOf,
  type ResponseOf,
} from '../registry/registry.js'
import type { OcppVersion } from '../versions.js'
import { compileValidator, type Predicate, UnsupportedSchemaError } from './compile-validator.js'
import { issueToError, type ValidationError } from './issue-to-error.js'

export type ValidationResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ValidationError }

const compiled = new WeakMap<z.ZodType, Predicate>()

/** The compiled check for a schema, built on first use; zod's own parser where it cannot compile. */
export function validatorFor(schema: z.ZodType): Predicate {
  let predicate = compiled.get(schema)
  if (!predicate) {
    try {
      predicate = compileValidator(schema)
    } catch (error) {
      if (!(error instanceof UnsupportedSchemaError)) throw error
      predicate = (value) => schema.safeParse(value).success
    }
    compiled.set(schema, predicate)
  }
  return predicate
}

/** Per version and action, the compiled checks: one Map lookup on the hot path, nothing else. */
type Checks = { info: ActionInfo; request: Predicate | undefined; response: Predicate | undefined }
const CHECKS: Record<OcppVersion, Map<string, Checks>> = { v16: new Map(), v201: new Map(), v21: new Map() }

function checksFor(v: OcppVersion, action: string): Checks | undefined {
  const byAction = CHECKS[v]
  let checks = byAction.get(action)
  if (checks === undefined) {
    // Only known actions are remembered, so that junk action names cannot grow the map.
    const info = actionInfo(v, action)
    if (!info) return undefined
    checks = { info, request: undefined, response: undefined }
    byAction.set(action, checks)
  }
  return checks
}

/**
 * A payload the compiled check refused. zod parses it, only now, to say which constraint it
 * broke. A valid payload's value is the payload itself: the generated schemas transform nothing,
 * so zod's copy would be equal and only cost allocations.
 */
function failed(v: OcppVersion, schema: z.ZodType, payload: unknown): ValidationResult {
  const parsed = schema.safeParse(payload)
  // Unreachable while the compiled check and zod agree, which the equivalence test holds them to.
  if (parsed.success) return { ok: true, value: payload }
  return { ok: false, error: issueToError(v, payload, parsed.error.issues) }
}

function unknownAction(v: OcppVersion, action: string): ValidationResult<never> {
  const description = `unknown action ${JSON.stringify(action.slice(0, 64))}`
  return { ok: false, error: { code: errorCodeFor(v, 'NotImplemented'), description, details: {} } }
}

type Typed<V extends OcppVersion, A extends string, Side extends 'request' | 'response'> =
  A extends ActionOf<V> ? (Side extends 'request' ? RequestOf<V, A> : ResponseOf<V, A>) : unknown

/** Validates a CALL payload (station- or CSMS-initiated). An unknown action fails with NotImplemented. */
export function validateRequest<V extends OcppVersion, A extends string>(
  v: V,
  action: A,
  payload: unknown,
): ValidationResult<Typed<V, A, 'request'>> {
  // The valid payload of an action seen before: one lookup and the compiled check, small enough to inline.
  if (CHECKS[v].get(action)?.request?.(payload) === true)
    return { ok: true, value: payload as Typed<V, A, 'request'> }
  return validateRequestSlowly(v, action, payload) as ValidationResult<Typed<V, A, 'request'>>
}

function validateRequestSlowly(v: OcppVersion, action: string, payload: unknown): ValidationResult {
  const checks = checksFor(v, action)
  if (!checks) return unknownAction(v, action)
  checks.request ??= validatorFor(checks.info.request)
  return checks.request(payload) ? { ok: true, value: payload } : failed(v, checks.info.request, payload)
}

/** Validates a CALLRESULT payload against the response schema of the action that was called. */
export function validateResponse<V extends OcppVersion, A extends string>(
  v: V,
  action: A,
  payload: unknown,
): ValidationResult<Typed<V, A, 'response'>> {
  const checks = checksFor(v, action)
  if (!checks) return unknownAction(v, action)
  if (checks.info.transport === 'send') {
    const description = `${action} travels in a SEND frame and has no response`
    return { ok: false, error: { code: errorCodeFor(v, 'ProtocolError'), description, details: {} } }
  }
  checks.response ??= validatorFor(checks.info.response)
  const result = checks.response(payload)
    ? { ok: true as const, value: payload }
    : failed(v, checks.info.response, payload)
  return result as ValidationResult<Typed<V, A, 'response'>>
}
