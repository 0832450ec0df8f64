import {
  isoAt,
  laterOf,
  type MeterValue2,
  type MeterValue16,
  readingsFromV2,
  readingsFromV16,
  registerReading,
} from './readings.js'
import type { EventType, TxEventInput } from './transaction-state.js'

// Station messages of every version mapped onto one event shape. Authorization and tariff are
// filled in by the handler (they need NATS and the database), everything else comes from here.

export type EventFacts = Omit<TxEventInput, 'idTokenStatus' | 'groupIdToken' | 'tariff'>

/** A 2.0.1 or 2.1 TransactionEventRequest, structurally: both versions fit. */
export type TransactionEventLike = {
  eventType: EventType
  timestamp: string
  triggerReason: string
  seqNo: number
  offline?: boolean | undefined
  reservationId?: number | undefined
  transactionInfo: {
    transactionId: string
    chargingState?: string | undefined
    timeSpentCharging?: number | undefined
    stoppedReason?: string | undefined
    remoteStartId?: number | undefined
  }
  evse?: { id: number; connectorId?: number | undefined } | undefined
  idToken?: { idToken: string; type: string } | undefined
  meterValue?: readonly MeterValue2[] | undefined
}

export function fromTransactionEvent(p: TransactionEventLike): EventFacts {
  const info = p.transactionInfo
  return {
    eventType: p.eventType,
    seqNo: p.seqNo,
    at: isoAt(p.timestamp),
    triggerReason: p.triggerReason,
    offline: p.offline ?? false,
    evseId: p.evse?.id ?? null,
    connectorId: p.evse?.connectorId ?? null,
    idToken: p.idToken ? { idToken: p.idToken.idToken, type: p.idToken.type } : null,
    chargingState: info.chargingState ?? null,
    stoppedReason: info.stoppedReason ?? null,
    remoteStartId: info.remoteStartId ?? null,
    reservationId: p.reservationId ?? null,
    timeSpentCharging: info.timeSpentCharging ?? null,
    readings: readingsFromV2(p.meterValue),
  }
}

/** A 1.6 idTag carries no type; this is the type it gets in the domain and towards auth. */
export const IDTAG16_TYPE = 'IdTag16'

const NO_FACTS = {
  triggerReason: null,
  offline: false,
  idToken: null,
  chargingState: null,
  stoppedReason: null,
  remoteStartId: null,
  reservationId: null,
  timeSpentCharging: null,
} as const

/** 1.6 connector N is EVSE N with connector 1 (as device-management maps StatusNotification). */
export function fromStartTransaction16(p: {
  connectorId: number
  idTag: string
  meterStart: number
  reservationId?: number | undefined
  timestamp: string
}): EventFacts {
  return {
    ...NO_FACTS,
    eventType: 'Started',
    seqNo: null,
    at: isoAt(p.timestamp),
    triggerReason: 'Authorized',
    evseId: p.connectorId,
    connectorId: 1,
    idToken: { idToken: p.idTag, type: IDTAG16_TYPE },
    reservationId: p.reservationId ?? null,
    readings: [registerReading(p.timestamp, p.meterStart, 'Transaction.Begin')],
  }
}

export function fromStopTransaction16(p: {
  idTag?: string | undefined
  meterStop: number
  timestamp: string
  reason?: string | undefined
  transactionData?: readonly MeterValue16[] | undefined
}): EventFacts {
  return {
    ...NO_FACTS,
    eventType: 'Ended',
    seqNo: null,
    at: isoAt(p.timestamp),
    triggerReason: p.idTag === undefined ? null : 'StopAuthorized',
    evseId: null,
    connectorId: null,
    idToken: p.idTag === undefined ? null : { idToken: p.idTag, type: IDTAG16_TYPE },
    // 1.6 reasons map onto the 2.0.1 names where they differ; absent means Local (1.6 default).
    stoppedReason: stopReason16(p.reason),
    readings: [
      ...readingsFromV16(p.transactionData),
      registerReading(p.timestamp, p.meterStop, 'Transaction.End'),
    ],
  }
}

export function fromMeterValues16(p: {
  connectorId: number
  meterValue: readonly MeterValue16[]
}): EventFacts {
  const readings = readingsFromV16(p.meterValue)
  const at = readings.reduce(
    (latest, r) => laterOf(latest, r.at),
    readings[0]?.at ?? new Date(0).toISOString(),
  )
  return {
    ...NO_FACTS,
    eventType: 'Updated',
    seqNo: null,
    at,
    evseId: p.connectorId === 0 ? null : p.connectorId,
    connectorId: null,
    readings,
  }
}

function stopReason16(reason: string | undefined): string {
  switch (reason) {
    case undefined:
      return 'Local'
    case 'HardReset':
      return 'ImmediateReset'
    case 'SoftReset':
      return 'Reboot'
    case 'UnlockCommand':
      return 'Other'
    default:
      return reason
  }
}
