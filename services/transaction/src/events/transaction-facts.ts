import type { PublishFact } from '@csms/bus'
import { eventSubject, type MeterFact, type ReservationView, type TransactionFact } from '@csms/bus'
import { earlierOf, type Reading } from '../domain/readings.js'
import { stateOf, type TxDoc, type TxEventInput } from '../domain/transaction-state.js'
import { toMeterValueView } from '../repo/views.js'

// Facts on CSMS_EVENTS, published after the database committed and before the station is
// answered. The JetStream message id is the event's identity (station, transaction, seqNo), so
// when a station retries because the answer was lost, the second publish is dropped as a double.

const KIND = { Started: 'started', Updated: 'updated', Ended: 'ended' } as const

export async function publishTransactionFact(
  publish: PublishFact,
  s: { id: string; stationId: string; transactionId: string; doc: TxDoc; event: TxEventInput },
): Promise<void> {
  const kind = KIND[s.event.eventType]
  const identity = s.event.seqNo === null ? `${kind}@${s.event.at}` : String(s.event.seqNo)
  const data: TransactionFact = {
    id: s.id,
    transactionId: s.transactionId,
    stationId: s.stationId,
    evseId: s.doc.evse?.value.evseId ?? null,
    connectorId: s.doc.evse?.value.connectorId ?? null,
    eventType: s.event.eventType,
    state: stateOf(s.doc),
    seqNo: s.event.seqNo,
    triggerReason: s.event.triggerReason,
    chargingState: s.doc.chargingState?.value ?? null,
    at: s.event.at,
    startedAt: s.doc.startedAt,
    endedAt: s.doc.endedAt,
    energyWh: s.doc.energy.importedWh,
    idToken: s.doc.idToken?.value.idToken ?? null,
    remoteStartId: s.doc.remoteStartId,
    offline: s.doc.offline,
    totalCost: s.doc.totalCost,
    currency: s.doc.tariff?.currency ?? null,
    meter: meterSummary(s.event.readings),
  }
  await publish(
    eventSubject('transaction', kind, s.stationId),
    { type: `transaction.${kind}`, stationId: s.stationId, time: new Date().toISOString(), data },
    `tx:${s.stationId}:${s.transactionId}:${identity}`,
  )
}

/** The newest total (not per-phase) value of the measurands other services react to. */
export function meterSummary(readings: readonly Reading[]): TransactionFact['meter'] {
  const latest = new Map<string, Reading>()
  for (const r of readings) {
    if (r.phase !== '' || r.normalized === null) continue
    const seen = latest.get(r.measurand)
    if (!seen || r.at >= seen.at) latest.set(r.measurand, r)
  }
  const v = (m: string) => latest.get(m)?.normalized ?? undefined
  const out: TransactionFact['meter'] = {}
  const set = (k: keyof TransactionFact['meter'], value: number | undefined) => {
    if (value !== undefined) out[k] = value
  }
  set('powerActiveImportW', v('Power.Active.Import'))
  set('powerActiveExportW', v('Power.Active.Export'))
  set('energyRegisterWh', v('Energy.Active.Import.Register'))
  set('socPercent', v('SoC'))
  set('currentImportA', v('Current.Import'))
  return out
}

export async function publishMeterFact(
  publish: PublishFact,
  m: { stationId: string; evseId: number; transactionId: string | null; readings: readonly Reading[] },
): Promise<void> {
  if (m.readings.length === 0) return
  const data: MeterFact = {
    stationId: m.stationId,
    evseId: m.evseId,
    transactionId: m.transactionId,
    readings: m.readings.map((r) => {
      const { seqNo: _seqNo, ...view } = toMeterValueView(r, null)
      return view
    }),
  }
  const first = m.readings.reduce((a, r) => earlierOf(a, r.at), m.readings[0]?.at ?? '')
  await publish(
    eventSubject('transaction', 'meter', m.stationId),
    { type: 'transaction.meter', stationId: m.stationId, time: new Date().toISOString(), data },
    `meter:${m.stationId}:${m.evseId}:${first}:${m.readings.length}`,
  )
}

export async function publishReservationFact(publish: PublishFact, r: ReservationView): Promise<void> {
  await publish(
    eventSubject('transaction', 'reservation', r.stationId),
    { type: 'transaction.reservation', stationId: r.stationId, time: new Date().toISOString(), data: r },
    `reservation:${r.stationId}:${r.reservationId}:${r.status}`,
  )
}
