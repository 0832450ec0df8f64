import type { OcppVersion } from './versions.js'

/**
 * OCPP-J 1.6 §4.2.3 table "Valid Error Codes", spelled as printed. The OCPP-J 1.6 errata sheet
 * (§5.1, §5.2 "known issues that will not be fixed") keeps the misspellings FormationViolation and
 * OccurenceConstraintViolation, because correcting them would break deployed stations.
 */
export const V16_ERROR_CODES = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
] as const

/** OCPP 2.0.1 part 4 §4.3 "RPC Framework Error Codes"; OCPP 2.1 part 4 §4.3 keeps the same table. */
export const V2_ERROR_CODES = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const

export type V16ErrorCode = (typeof V16_ERROR_CODES)[number]
export type V2ErrorCode = (typeof V2_ERROR_CODES)[number]
/** Every error code of every version, in each version's own spelling. */
export type OcppErrorCode = V16ErrorCode | V2ErrorCode
export type ErrorCodeOf<V extends OcppVersion> = V extends 'v16' ? V16ErrorCode : V2ErrorCode

const V16_SET: ReadonlySet<string> = new Set(V16_ERROR_CODES)
const V2_SET: ReadonlySet<string> = new Set(V2_ERROR_CODES)

export function errorCodesOf<V extends OcppVersion>(v: V): readonly ErrorCodeOf<V>[] {
  return (v === 'v16' ? V16_ERROR_CODES : V2_ERROR_CODES) as readonly ErrorCodeOf<V>[]
}

export function isErrorCodeOf<V extends OcppVersion>(v: V, code: string): code is ErrorCodeOf<V> {
  return (v === 'v16' ? V16_SET : V2_SET).has(code)
}

/** 1.6 has no RPC-framework or message-type codes: its nearest is "not conform the PDU structure". */
const TO_V16: Readonly<Record<V2ErrorCode, V16ErrorCode>> = {
  FormatViolation: 'FormationViolation',
  GenericError: 'GenericError',
  InternalError: 'InternalError',
  MessageTypeNotSupported: 'FormationViolation',
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  ProtocolError: 'ProtocolError',
  RpcFrameworkError: 'FormationViolation',
  SecurityError: 'SecurityError',
  TypeConstraintViolation: 'TypeConstraintViolation',
}

const TO_V2: Readonly<Record<V16ErrorCode, V2ErrorCode>> = {
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  InternalError: 'InternalError',
  ProtocolError: 'ProtocolError',
  SecurityError: 'SecurityError',
  FormationViolation: 'FormatViolation',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
  TypeConstraintViolation: 'TypeConstraintViolation',
  GenericError: 'GenericError',
}

/**
 * Spells a code the way version `v` prescribes, whatever version it was written for, so services
 * can answer with one vocabulary and the gateway still sends what each station expects.
 * Anything that is no OCPP error code at all becomes GenericError.
 */
export function errorCodeFor<V extends OcppVersion>(v: V, code: string): ErrorCodeOf<V> {
  if (v === 'v16') {
    if (V16_SET.has(code)) return code as ErrorCodeOf<V>
    return (V2_SET.has(code) ? TO_V16[code as V2ErrorCode] : 'GenericError') as ErrorCodeOf<V>
  }
  if (V2_SET.has(code)) return code as ErrorCodeOf<V>
  return (V16_SET.has(code) ? TO_V2[code as V16ErrorCode] : 'GenericError') as ErrorCodeOf<V>
}
