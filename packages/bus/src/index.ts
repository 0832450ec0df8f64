export { ACTION_OWNERS, ownerOf } from './action-owners.js'
export { APP_ERROR_CODES, AppError, type AppErrorCode, isAppError } from './app-error.js'
export {
  type CommandRecorder,
  type CommandRequest,
  CommandRequestSchema,
  CommandResultSchema,
  commandRpc,
  serveCommands,
} from './commands.js'
export { connectBus } from './connect.js'
export {
  type AuthenticateStationRequest,
  type AuthenticateStationResponse,
  authenticateStationRpc,
  deleteStationCredentialsRpc,
  REFUSAL_REASONS,
  type SecurityProfile,
  SecurityProfileSchema,
  upsertStationCredentialsRpc,
} from './contracts/auth.js'
export {
  getStationRpc,
  listStationsRpc,
  type StationView,
  StationViewSchema,
  upsertStationRpc,
} from './contracts/device-management.js'
export {
  AUTHORIZATION_STATUSES,
  type AuthorizationStatus,
  type AuthorizeIdTokenRequest,
  AuthorizeIdTokenRequestSchema,
  authorizeIdTokenRpc,
  type IdTokenInfo,
  IdTokenInfoSchema,
  type IdTokenRef,
  IdTokenRefSchema,
} from './contracts/id-token.js'
export {
  type GatewayHeartbeat,
  GatewayHeartbeatSchema,
  type StationConnected,
  StationConnectedSchema,
  type StationDisconnected,
  StationDisconnectedSchema,
} from './contracts/station-events.js'
export {
  getTransactionRpc,
  listReservationsRpc,
  listTariffsRpc,
  listTransactionsRpc,
  type MeterFact,
  MeterFactSchema,
  type MeterValueView,
  MeterValueViewSchema,
  ReservationFactSchema,
  type ReservationView,
  ReservationViewSchema,
  startTransactionRpc,
  stopTransactionRpc,
  TariffSchema,
  type TariffView,
  type TransactionDetail,
  TransactionDetailSchema,
  type TransactionFact,
  TransactionFactSchema,
  type TransactionView,
  TransactionViewSchema,
  upsertTariffRpc,
} from './contracts/transaction.js'
export { type ConsumerHandle, consumeEvents } from './durable-consumer.js'
export { type DomainEvent, ensureStreams, publishEvent, type StreamOptions } from './events.js'
export { HEADER } from './headers.js'
export { decodeJson, encodeJson, type OcppReply, readOcppReply, replyOcpp } from './nats-payload.js'
export {
  type AnyOcppHandler,
  defineHandler,
  type OcppHandler,
  type OcppHandlerContext,
} from './ocpp-handler.js'
export { type OcppRunnerOptions, runOcppHandlers } from './ocpp-runner.js'
export { servicesReady } from './readiness.js'
export { callRpc, defineRpc, type Rpc, serveRpc } from './rpc.js'
export { createServiceRuntime, type ServiceRuntime } from './service-runtime.js'
export { callStation, type StationCallOptions, toStationCallError } from './station-call.js'
export { decodeStationId, encodeStationId } from './station-token.js'
export {
  EVENTS_STREAM,
  EVENTS_SUBJECTS,
  eventSubject,
  GATEWAY_HEARTBEAT_SUBJECT,
  kickSubject,
  MESSAGE_LOG_STREAM,
  messageLogSubject,
  ocppInPattern,
  ocppInSubject,
  ocppOutPattern,
  ocppOutSubject,
  pingSubject,
  SERVICE_NAMES,
  type ServiceName,
  serviceSubject,
} from './subjects.js'
