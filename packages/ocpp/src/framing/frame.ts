import type { OcppVersion } from '../versions.js'

/** OCPP-J message type numbers (1.6 §4.1.3, 2.x part 4 §4.1.3; 5 and 6 are new in 2.1). */
export const MESSAGE_TYPE = { CALL: 2, CALLRESULT: 3, CALLERROR: 4, CALLRESULTERROR: 5, SEND: 6 } as const
export type MessageType = (typeof MESSAGE_TYPE)[keyof typeof MESSAGE_TYPE]

/** 1.6 §4.1.4 and 2.0.1 part 4 §4.1.4: a message id is a string of at most 36 characters. */
export const MAX_MESSAGE_ID_LENGTH = 36
/** 2.x part 4 §4.2.3: the CALLERROR errorDescription is a string[255]. */
export const MAX_ERROR_DESCRIPTION_LENGTH = 255
/** The message id of a CALLERROR answering a frame whose own id could not be read (2.x part 4 §4.2.3). */
export const UNKNOWN_MESSAGE_ID = '-1'

export type CallFrame = { type: 2; id: string; action: string; payload: unknown }
export type CallResultFrame = { type: 3; id: string; payload: unknown }
export type CallErrorFrame = { type: 4; id: string; code: string; description: string; details: unknown }
export type CallResultErrorFrame = {
  type: 5
  id: string
  code: string
  description: string
  details: unknown
}
export type SendFrame = { type: 6; id: string; action: string; payload: unknown }
export type Frame = CallFrame | CallResultFrame | CallErrorFrame | CallResultErrorFrame | SendFrame

/**
 * What the receiver of a broken frame sends back: a CALLERROR to a CALL (or to a frame whose type
 * could not be read), a CALLRESULTERROR to a 2.1 CALLRESULT, and nothing to an error frame, a
 * SEND, or a message type it does not know (except in 2.0.1, which answers those).
 */
export type FrameErrorResponse = 'callError' | 'callResultError' | 'none'

/** `messageId` is "-1" when the frame's own id could not be read. */
export type FrameError = { code: string; description: string; messageId: string; respond: FrameErrorResponse }

export type ParseFrameResult = { ok: true; frame: Frame } | { ok: false; error: FrameError }

const TYPES_BY_VERSION: Record<OcppVersion, ReadonlySet<number>> = {
  v16: new Set([2, 3, 4]),
  v201: new Set([2, 3, 4]),
  v21: new Set([2, 3, 4, 5, 6]),
}

export function messageTypesOf(v: OcppVersion): ReadonlySet<number> {
  return TYPES_BY_VERSION[v]
}

/** The same question as `messageTypesOf(v).has(type)`, without the lookups: it runs on every frame. */
export function isMessageTypeOf(v: OcppVersion, type: number): boolean {
  return type === 2 || type === 3 || type === 4 || (v === 'v21' && (type === 5 || type === 6))
}
