import { fitsMaxLength } from '../formats/code-point-length.js'
import type { OcppVersion } from '../versions.js'
import {
  type Frame,
  type FrameErrorResponse,
  isMessageTypeOf,
  MAX_MESSAGE_ID_LENGTH,
  type ParseFrameResult,
  UNKNOWN_MESSAGE_ID,
} from './frame.js'
import { frameError } from './frame-failure.js'

/** The frame's message id when it is one we can echo, else "-1". Only error paths need it. */
function readableId(id: unknown): string {
  return typeof id === 'string' && fitsMaxLength(id, MAX_MESSAGE_ID_LENGTH) ? id : UNKNOWN_MESSAGE_ID
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A CALL is answered with CALLERROR; a 2.1 CALLRESULT with CALLRESULTERROR; anything else not at all. */
function respondTo(v: OcppVersion, type: number): FrameErrorResponse {
  if (type === 2) return 'callError'
  if (type === 3 && v === 'v21') return 'callResultError'
  return 'none'
}

/**
 * Reads one WebSocket text frame: JSON is parsed once, the frame's shape is checked, and nothing
 * else (the payload's schema is validateRequest's job). OCPP-J allows `null` for "no payload"
 * (1.6 §4.2.1, 2.x part 4 §4.1.5) and this returns `{}` for it, so that the schemas see the one
 * notation they describe. Every failure carries the code its version prescribes (README,
 * "Framing rules") and says whether and how the sender must be answered.
 */
export function parseFrame(v: OcppVersion, raw: string): ParseFrameResult {
  const data = parseJson(raw)
  // What stations send most, a well-formed CALL, takes this short path, small enough for V8 to inline.
  if (Array.isArray(data) && data.length === 4 && data[0] === 2) {
    const id: unknown = data[1]
    const action: unknown = data[2]
    const payload: unknown = data[3]
    if (
      typeof id === 'string' &&
      id.length <= MAX_MESSAGE_ID_LENGTH &&
      typeof action === 'string' &&
      isObject(payload)
    ) {
      return { ok: true, frame: { type: 2, id, action, payload } }
    }
  }
  return readFrame(v, data)
}

const NOT_JSON: unique symbol = Symbol('not JSON')

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return NOT_JSON
  }
}

/** Every other frame, and every failure, with the rules in the order the README lists them. */
function readFrame(v: OcppVersion, data: unknown): ParseFrameResult {
  if (data === NOT_JSON)
    return frameError(v, 'rpc', UNKNOWN_MESSAGE_ID, 'callError', 'frame is not valid JSON')
  if (!Array.isArray(data))
    return frameError(v, 'rpc', UNKNOWN_MESSAGE_ID, 'callError', 'frame is not a JSON array')
  const type: unknown = data[0]
  const id: unknown = data[1]
  if (typeof type !== 'number') {
    const failure = data.length === 0 ? 'incomplete' : 'rpc'
    return frameError(v, failure, readableId(id), 'callError', 'message type is not a number')
  }
  if (!isMessageTypeOf(v, type)) {
    // Only 2.0.1 answers (part 4 §4.4, MessageTypeNotSupported). 1.6 §4.1.3 and 2.1 part 4 §4.1.3
    // and §4.4 say to ignore the message: 2.1 rewrote §4.4 to drop the 2.0.1 answer.
    const respond = v === 'v201' ? 'callError' : 'none'
    const description = `message type ${String(type).slice(0, 20)} is not supported`
    return frameError(v, 'messageType', readableId(id), respond, description)
  }
  const respond = respondTo(v, type)
  if (typeof id !== 'string') {
    const failure = data.length < 2 ? 'incomplete' : 'rpc'
    return frameError(v, failure, UNKNOWN_MESSAGE_ID, respond, 'message id is not a string')
  }
  // string[36] counts characters (code points), as maxLength does: 36 emoji are a valid id.
  if (!fitsMaxLength(id, MAX_MESSAGE_ID_LENGTH)) {
    return frameError(
      v,
      'rpc',
      UNKNOWN_MESSAGE_ID,
      respond,
      `message id is longer than ${MAX_MESSAGE_ID_LENGTH} characters`,
    )
  }
  if (type === 2 || type === 6) return readCall(v, type, id, data, respond)
  if (type === 3) return readCallResult(v, id, data, respond)
  return readError(v, type as 4 | 5, id, data, respond)
}

function arity(
  v: OcppVersion,
  id: string,
  data: unknown[],
  min: number,
  max: number,
  respond: FrameErrorResponse,
) {
  if (data.length < min)
    return frameError(v, 'incomplete', id, respond, `frame has ${data.length} elements, needs ${min}`)
  if (data.length > max)
    return frameError(v, 'rpc', id, respond, `frame has ${data.length} elements, at most ${max}`)
  return undefined
}

function readPayload(payload: unknown): Record<string, unknown> | undefined {
  if (payload === null) return {}
  return isObject(payload) ? payload : undefined
}

function readCall(
  v: OcppVersion,
  type: 2 | 6,
  id: string,
  data: unknown[],
  respond: FrameErrorResponse,
): ParseFrameResult {
  const wrongArity = arity(v, id, data, 4, 4, respond)
  if (wrongArity) return wrongArity
  const action = data[2]
  if (typeof action !== 'string') return frameError(v, 'rpc', id, respond, 'action is not a string')
  const payload = readPayload(data[3])
  if (!payload) return frameError(v, 'payload', id, respond, 'payload is not a JSON object')
  const frame: Frame = type === 2 ? { type, id, action, payload } : { type, id, action, payload }
  return { ok: true, frame }
}

function readCallResult(
  v: OcppVersion,
  id: string,
  data: unknown[],
  respond: FrameErrorResponse,
): ParseFrameResult {
  const wrongArity = arity(v, id, data, 3, 3, respond)
  if (wrongArity) return wrongArity
  const payload = readPayload(data[2])
  if (!payload) return frameError(v, 'payload', id, respond, 'payload is not a JSON object')
  return { ok: true, frame: { type: 3, id, payload } }
}

/** CALLERROR and 2.1 CALLRESULTERROR. A missing errorDetails reads as `{}`, the value the spec asks for then. */
function readError(
  v: OcppVersion,
  type: 4 | 5,
  id: string,
  data: unknown[],
  respond: FrameErrorResponse,
): ParseFrameResult {
  const wrongArity = arity(v, id, data, 4, 5, respond)
  if (wrongArity) return wrongArity
  const [, , code, description, details] = data
  if (typeof code !== 'string') return frameError(v, 'rpc', id, respond, 'error code is not a string')
  if (typeof description !== 'string')
    return frameError(v, 'rpc', id, respond, 'error description is not a string')
  return { ok: true, frame: { type, id, code, description, details: details === undefined ? {} : details } }
}
