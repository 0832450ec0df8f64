export {
  type ErrorCodeOf,
  errorCodeFor,
  errorCodesOf,
  isErrorCodeOf,
  type OcppErrorCode,
  V2_ERROR_CODES,
  type V2ErrorCode,
  V16_ERROR_CODES,
  type V16ErrorCode,
} from './error-codes.js'
export {
  checkIncomingAction,
  type IncomingActionCheck,
  type IncomingActionOptions,
} from './framing/check-incoming-action.js'
export {
  encodeCall,
  encodeCallError,
  encodeCallResult,
  encodeCallResultError,
  encodeCallResultJson,
  encodeSend,
} from './framing/encode-frame.js'
export {
  type CallErrorFrame,
  type CallFrame,
  type CallResultErrorFrame,
  type CallResultFrame,
  type Frame,
  type FrameError,
  type FrameErrorResponse,
  MAX_ERROR_DESCRIPTION_LENGTH,
  MAX_MESSAGE_ID_LENGTH,
  MESSAGE_TYPE,
  type MessageType,
  messageTypesOf,
  type ParseFrameResult,
  type SendFrame,
  UNKNOWN_MESSAGE_ID,
} from './framing/frame.js'
export { parseFrame } from './framing/parse-frame.js'
export * as v16 from './generated/v16.js'
export * as v21 from './generated/v21.js'
export * as v201 from './generated/v201.js'
export {
  type ActionInfo,
  type ActionOf,
  actionInfo,
  actionsOf,
  type CsmsActionOf,
  isActionOf,
  type RequestOf,
  type ResponseOf,
  type SenderOf,
  type StationActionOf,
} from './registry/registry.js'
export type { Sender } from './registry/sender.js'
export type { ValidationError } from './validation/issue-to-error.js'
export { type ValidationResult, validateRequest, validateResponse } from './validation/validate.js'
export {
  isOcppVersion,
  OCPP_VERSIONS,
  type OcppSubprotocol,
  type OcppVersion,
  SUBPROTOCOL_PREFERENCE,
  subprotocolOf,
  versionOfSubprotocol,
} from './versions.js'
