import type { MeterValueView, ReservationView, TransactionView } from '@csms/bus'
import { baseUnit, type Reading } from '../domain/readings.js'
import { maxSeq, seqGaps } from '../domain/seq-ranges.js'
import { isComplete, stateOf, type TxDoc } from '../domain/transaction-state.js'

export type TransactionRow = {
  id: string
  station_id: string
  transaction_id: string
  protocol: string
  remote_stop_requested_at: Date | null
  updated_at: Date
  doc: TxDoc
}

export function toTransactionView(row: TransactionRow): TransactionView {
  const d = row.doc
  return {
    id: row.id,
    transactionId: row.transaction_id,
    stationId: row.station_id,
    protocol: row.protocol,
    evseId: d.evse?.value.evseId ?? null,
    connectorId: d.evse?.value.connectorId ?? null,
    state: stateOf(d),
    startedAt: d.startedAt,
    endedAt: d.endedAt,
    energyWh: d.energy.importedWh,
    meterStartWh: d.energy.firstWh,
    meterStopWh: d.endedSeen ? d.energy.lastWh : null,
    registerResets: d.energy.resets,
    idToken: d.idToken ? { idToken: d.idToken.value.idToken, type: d.idToken.value.type } : null,
    idTokenStatus: d.idToken?.value.status ?? null,
    stopIdToken: d.stopIdToken?.value ?? null,
    chargingState: d.chargingState?.value ?? null,
    stoppedReason: d.stoppedReason,
    triggerReason: d.triggerReason?.value ?? null,
    timeSpentChargingS: d.timeSpentCharging?.value ?? null,
    remoteStartId: d.remoteStartId,
    reservationId: d.reservationId,
    offline: d.offline,
    totalCost: d.totalCost,
    currency: d.tariff?.currency ?? null,
    tariffId: d.tariff?.id ?? null,
    seqNoMax: maxSeq(d.seqs),
    seqNoGaps: seqGaps(d.seqs),
    complete: isComplete(d),
    remoteStopRequestedAt: row.remote_stop_requested_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  }
}

/** A stored reading as the API shows it. */
export function toMeterValueView(r: Reading, seqNo: number | null): MeterValueView {
  return {
    timestamp: r.at,
    measurand: r.measurand,
    phase: r.phase === '' ? null : r.phase,
    location: r.location,
    context: r.context,
    unit: r.unit,
    multiplier: r.multiplier,
    value: r.value,
    normalized: r.normalized,
    normalizedUnit: baseUnit(r.unit),
    seqNo,
    ...(r.signed === null ? {} : { signed: r.signed }),
  }
}

export type ReservationRow = {
  station_id: string
  reservation_id: number
  evse_id: number | null
  id_token: string
  status: string
  expires_at: Date
  transaction_id: string | null
  updated_at: Date
}

export function toReservationView(r: ReservationRow): ReservationView {
  return {
    stationId: r.station_id,
    reservationId: r.reservation_id,
    evseId: r.evse_id,
    idToken: r.id_token,
    status: r.status,
    expiresAt: r.expires_at.toISOString(),
    transactionId: r.transaction_id,
    updatedAt: r.updated_at.toISOString(),
  }
}
