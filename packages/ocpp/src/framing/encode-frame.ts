import { MAX_ERROR_DESCRIPTION_LENGTH, MAX_MESSAGE_ID_LENGTH } from './frame.js'

/** Our own ids must follow the rule we hold stations to; a longer one is a bug at the call site. */
function checkId(id: string): string {
  if (id.length > MAX_MESSAGE_ID_LENGTH) {
    throw new RangeError(
      `OCPP message id longer than ${MAX_MESSAGE_ID_LENGTH} characters: ${id.slice(0, 40)}`,
    )
  }
  return id
}

/** errorDescription is a string[255] in 2.x; 1.6 sets no limit, and a shorter one harms nobody. */
function clip(description: string): string {
  return description.length <= MAX_ERROR_DESCRIPTION_LENGTH
    ? description
    : `${description.slice(0, MAX_ERROR_DESCRIPTION_LENGTH - 1)}…`
}

/** `[2, id, action, payload]` */
export function encodeCall(id: string, action: string, payload: unknown): string {
  return JSON.stringify([2, checkId(id), action, payload])
}

/** `[3, id, payload]` */
export function encodeCallResult(id: string, payload: unknown): string {
  return JSON.stringify([3, checkId(id), payload])
}

/** `[4, id, code, description, details]`; `id` may be "-1" when the CALL's own could not be read. */
export function encodeCallError(
  id: string,
  code: string,
  description: string,
  details: unknown = {},
): string {
  return JSON.stringify([4, checkId(id), code, clip(description), details ?? {}])
}

/** 2.1 `[5, id, code, description, details]`: the answer to a CALLRESULT that could not be processed. */
export function encodeCallResultError(
  id: string,
  code: string,
  description: string,
  details: unknown = {},
): string {
  return JSON.stringify([5, checkId(id), code, clip(description), details ?? {}])
}

/** 2.1 `[6, id, action, payload]`: a message that gets no answer at all. */
export function encodeSend(id: string, action: string, payload: unknown): string {
  return JSON.stringify([6, checkId(id), action, payload])
}
