import type { OcppVersion } from '../versions.js'
import type { FrameError, FrameErrorResponse } from './frame.js'

/**
 * Why a frame could not be read, independent of version. The code for each is chosen from the
 * descriptions in each version's table of valid error codes (see README, "Framing rules"):
 *
 * - `rpc`: no valid RPC message (not JSON, not an array, no readable id, a part of the wrong
 *   type). 2.x: RpcFrameworkError, "content of the call is not a valid RPC request".
 *   1.6: FormationViolation, "not conform the PDU structure".
 * - `incomplete`: an array with too few elements. 1.6: ProtocolError, "payload for action is
 *   incomplete"; 2.x: RpcFrameworkError as above.
 * - `messageType`: a message type number the version does not define. 2.x:
 *   MessageTypeNotSupported (only 2.0.1 sends it); 1.6 has no such code. 1.6 and 2.1 ignore it.
 * - `payload`: the payload is not a JSON object. 2.x: ProtocolError, "not conform the PDU
 *   structure"; 1.6: FormationViolation, which carries those words there.
 */
export type FrameFailure = 'rpc' | 'incomplete' | 'messageType' | 'payload'

const CODES: Record<FrameFailure, { v16: string; v2: string }> = {
  rpc: { v16: 'FormationViolation', v2: 'RpcFrameworkError' },
  incomplete: { v16: 'ProtocolError', v2: 'RpcFrameworkError' },
  messageType: { v16: 'FormationViolation', v2: 'MessageTypeNotSupported' },
  payload: { v16: 'FormationViolation', v2: 'ProtocolError' },
}

export function frameErrorCode(v: OcppVersion, failure: FrameFailure): string {
  return v === 'v16' ? CODES[failure].v16 : CODES[failure].v2
}

export function frameError(
  v: OcppVersion,
  failure: FrameFailure,
  messageId: string,
  respond: FrameErrorResponse,
  description: string,
): { ok: false; error: FrameError } {
  return { ok: false, error: { code: frameErrorCode(v, failure), description, messageId, respond } }
}
