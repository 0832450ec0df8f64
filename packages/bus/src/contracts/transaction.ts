import { z } from 'zod'
import { defineRpc } from '../rpc.js'
import { IdTokenRefSchema } from './id-token.js'

// What the transaction service offers other services and the operator API over NATS, and the
// facts it publishes on CSMS_EVENTS (evt.transaction.<started|updated|ended|meter|reservation>).

export const TRANSACTION_STATES = ['active', 'ended'] as const

export const TransactionViewSchema = z.object({
  /** The CSMS's own id of the session: stable, unique across stations. */
  id: z.string(),
  /** The station's transactionId (2.0.1), or the integer the CSMS gave a 1.6 StartTransaction. */
  transactionId: z.string(),
  stationId: z.string(),
  protocol: z.string(),
  evseId: z.number().int().nullable(),
  connectorId: z.number().int().nullable(),
  state: z.enum(TRANSACTION_STATES),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Energy imported: the sum of the increases of the import register, unit and multiplier applied. */
  energyWh: z.number(),
  meterStartWh: z.number().nullable(),
  meterStopWh: z.number().nullable(),
  /** Register steps that were not billed (a reset, or a replaced meter). */
  registerResets: z.number().int(),
  idToken: IdTokenRefSchema.nullable(),
  idTokenStatus: z.string().nullable(),
  stopIdToken: IdTokenRefSchema.nullable(),
  chargingState: z.string().nullable(),
  stoppedReason: z.string().nullable(),
  triggerReason: z.string().nullable(),
  timeSpentChargingS: z.number().int().nullable(),
  remoteStartId: z.number().int().nullable(),
  reservationId: z.number().int().nullable(),
  /** Some event of the session happened while the station was offline. */
  offline: z.boolean(),
  totalCost: z.number().nullable(),
  currency: z.string().nullable(),
  tariffId: z.string().nullable(),
  seqNoMax: z.number().int().nullable(),
  /** seqNos not received between the first and the last (at most 100 listed). */
  seqNoGaps: z.array(z.number().int()),
  /** Started and Ended were received and no seqNo is missing between them. */
  complete: z.boolean(),
  remoteStopRequestedAt: z.string().nullable(),
  updatedAt: z.string(),
})
export type TransactionView = z.infer<typeof TransactionViewSchema>

export const MeterValueViewSchema = z.object({
  timestamp: z.string(),
  measurand: z.string(),
  phase: z.string().nullable(),
  location: z.string(),
  context: z.string(),
  unit: z.string(),
  multiplier: z.number().int(),
  value: z.number().nullable(),
  /** value × 10^multiplier in the base unit (kWh → Wh, kW → W). */
  normalized: z.number().nullable(),
  normalizedUnit: z.string(),
  seqNo: z.number().int().nullable(),
  signed: z.unknown().optional(),
})
export type MeterValueView = z.infer<typeof MeterValueViewSchema>

export const TransactionDetailSchema = TransactionViewSchema.extend({
  meterValues: z.array(MeterValueViewSchema),
  meterValuesTruncated: z.boolean(),
})
export type TransactionDetail = z.infer<typeof TransactionDetailSchema>

export const ListTransactionsRequestSchema = z.object({
  stationId: z.string().optional(),
  state: z.enum(TRANSACTION_STATES).optional(),
  /** Sessions that started at or after this instant (ISO 8601). */
  from: z.string().optional(),
  /** Sessions that started before this instant. */
  to: z.string().optional(),
  limit: z.number().int().min(1).max(500),
  cursor: z.string().optional(),
})
export const listTransactionsRpc = defineRpc(
  'transaction',
  'transaction.list',
  ListTransactionsRequestSchema,
  z.object({ transactions: z.array(TransactionViewSchema), next: z.string().nullable() }),
)

export const getTransactionRpc = defineRpc(
  'transaction',
  'transaction.get',
  z.object({
    /** The CSMS id, or the station's transactionId (with stationId when several stations use it). */
    id: z.string(),
    stationId: z.string().optional(),
    meterValuesLimit: z.number().int().min(0).max(100_000).optional(),
  }),
  z.object({ transaction: TransactionDetailSchema.nullable() }),
)

export const StartTransactionRequestSchema = z.object({
  stationId: z.string(),
  evseId: z.number().int().min(1).optional(),
  idToken: IdTokenRefSchema,
  groupIdToken: IdTokenRefSchema.optional(),
  timeoutMs: z.number().int().min(100).max(300_000).optional(),
})
/** RequestStartTransaction (1.6: RemoteStartTransaction) with a remoteStartId the CSMS picks. */
export const startTransactionRpc = defineRpc(
  'transaction',
  'transaction.start',
  StartTransactionRequestSchema,
  z.object({
    remoteStartId: z.number().int().nullable(),
    status: z.string(),
    /** Set when the station already had a transaction running on that EVSE (cable plugged in first). */
    transactionId: z.string().nullable(),
    stationResponse: z.unknown(),
  }),
)

/** RequestStopTransaction (1.6: RemoteStopTransaction) of a session by its id. */
export const stopTransactionRpc = defineRpc(
  'transaction',
  'transaction.stop',
  z.object({
    id: z.string(),
    stationId: z.string().optional(),
    timeoutMs: z.number().int().min(100).max(300_000).optional(),
  }),
  z.object({
    status: z.string(),
    stationId: z.string(),
    transactionId: z.string(),
    stationResponse: z.unknown(),
  }),
)

export const TariffSchema = z.object({
  id: z.string().min(1).max(64),
  /** group: an idToken group (groupIdToken); site: a site id; default: everything else. */
  scope: z.enum(['group', 'site', 'default']),
  scopeKey: z.string().max(255),
  currency: z.string().regex(/^[A-Z]{3}$/),
  pricePerKwh: z.number().min(0),
  pricePerMinute: z.number().min(0),
})
export type TariffView = z.infer<typeof TariffSchema>
export const upsertTariffRpc = defineRpc(
  'transaction',
  'tariff.upsert',
  TariffSchema,
  z.object({ tariff: TariffSchema }),
)
export const listTariffsRpc = defineRpc(
  'transaction',
  'tariff.list',
  z.object({}),
  z.object({ tariffs: z.array(TariffSchema) }),
)

export const ReservationViewSchema = z.object({
  stationId: z.string(),
  reservationId: z.number().int(),
  evseId: z.number().int().nullable(),
  idToken: z.string(),
  /** requested, active, rejected, cancelled, expired, removed, used. */
  status: z.string(),
  expiresAt: z.string(),
  transactionId: z.string().nullable(),
  updatedAt: z.string(),
})
export type ReservationView = z.infer<typeof ReservationViewSchema>
export const listReservationsRpc = defineRpc(
  'transaction',
  'reservation.list',
  z.object({ stationId: z.string(), status: z.string().optional() }),
  z.object({ reservations: z.array(ReservationViewSchema) }),
)

/** data of evt.transaction.started|updated|ended: one per TransactionEvent (or 1.6 start/stop). */
export const TransactionFactSchema = z.object({
  id: z.string(),
  transactionId: z.string(),
  stationId: z.string(),
  evseId: z.number().int().nullable(),
  connectorId: z.number().int().nullable(),
  eventType: z.enum(['Started', 'Updated', 'Ended']),
  /** The session's state after this event: an Ended that came before its Started leaves it ended. */
  state: z.enum(TRANSACTION_STATES),
  seqNo: z.number().int().nullable(),
  triggerReason: z.string().nullable(),
  chargingState: z.string().nullable(),
  at: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  energyWh: z.number(),
  idToken: z.string().nullable(),
  remoteStartId: z.number().int().nullable(),
  offline: z.boolean(),
  totalCost: z.number().nullable(),
  currency: z.string().nullable(),
  /** The latest values of the event's meter readings (total, not per phase), when present. */
  meter: z.object({
    powerActiveImportW: z.number().optional(),
    powerActiveExportW: z.number().optional(),
    energyRegisterWh: z.number().optional(),
    socPercent: z.number().optional(),
    currentImportA: z.number().optional(),
  }),
})
export type TransactionFact = z.infer<typeof TransactionFactSchema>

/** data of evt.transaction.meter: a MeterValues message. */
export const MeterFactSchema = z.object({
  stationId: z.string(),
  evseId: z.number().int(),
  transactionId: z.string().nullable(),
  readings: z.array(MeterValueViewSchema.omit({ seqNo: true })),
})
export type MeterFact = z.infer<typeof MeterFactSchema>

/** data of evt.transaction.reservation. */
export const ReservationFactSchema = ReservationViewSchema
