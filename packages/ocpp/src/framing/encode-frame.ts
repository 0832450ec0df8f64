import { fitsMaxLength } from '../formats/code-point-length.js'
import { MAX_ERROR_DESCRIPTION_LENGTH, MAX_MESSAGE_ID_LENGTH } from './frame.js'

/** Our own ids must follow the rule we hold stations to; a longer one is a bug at the call site. */
function checkId(id: string): string {
  if (!fitsMaxLength(id, MAX_MESSAGE_ID_LENGTH)) {
    throw new RangeError(
      `OCPP message id longer than ${MAX_MESSAGE_ID_LENGTH} characters: ${id.slice(0, 40)}`,
    )
  }
  return id
}

// A UTF-16 surrogate without its partner: JSON.stringify writes it as a "\udxxx" escape, which
// is no Unicode character (RFC 8259 §8.2), and strict JSON parsers refuse the whole frame.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * errorDescription is a string[255] in 2.x (1.6 sets no limit, and a shorter one harms nobody),
 * counted in characters like every OCPP length. Descriptions quote what the station sent (an
 * action name, a property name), so a lone surrogate from its frame becomes U+FFFD, and the cut
 * never falls between the two halves of a character.
 */
function clip(description: string): string {
  const text = description.replace(LONE_SURROGATE, '\ufffd')
  if (fitsMaxLength(text, MAX_ERROR_DESCRIPTION_LENGTH)) return text
  const kept = [...text].slice(0, MAX_ERROR_DESCRIPTION_LENGTH - 1).join('')
  return `${kept}…`
}

/** errorDetails "MUST" be a JSON object, `{}` when there are none (1.6 §4.2.3, 2.x part 4 §4.2.3). */
function detailsObject(details: unknown): unknown {
  return details !== null && typeof details === 'object' && !Array.isArray(details) ? details : {}
}

/** `[2, id, action, payload]` */
export function encodeCall(id: string, action: string, payload: unknown): string {
  return JSON.stringify([2, checkId(id), action, payload])
}

/** `[3, id, payload]` */
export function encodeCallResult(id: string, payload: unknown): string {
  return JSON.stringify([3, checkId(id), payload])
}

/**
 * `[3, id, payload]` around a payload that is already JSON text (an object, as JSON.stringify
 * wrote it): the gateway forwards the owning service's reply without parsing and writing it again.
 */
export function encodeCallResultJson(id: string, payloadJson: string): string {
  return `[3,${JSON.stringify(checkId(id))},${payloadJson}]`
}

/** `[4, id, code, description, details]`; `id` may be "-1" when the CALL's own could not be read. */
export function encodeCallError(
  id: string,
  code: string,
  description: string,
  details: unknown = {},
): string {
  return JSON.stringify([4, checkId(id), code, clip(description), detailsObject(details)])
}

/** 2.1 `[5, id, code, description, details]`: the answer to a CALLRESULT that could not be processed. */
export function encodeCallResultError(
  id: string,
  code: string,
  description: string,
  details: unknown = {},
): string {
  return JSON.stringify([5, checkId(id), code, clip(description), detailsObject(details)])
}

/** 2.1 `[6, id, action, payload]`: a message that gets no answer at all. */
export function encodeSend(id: string, action: string, payload: unknown): string {
  return JSON.stringify([6, checkId(id), action, payload])
}
