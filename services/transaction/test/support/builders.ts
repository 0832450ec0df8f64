// Test data builders: a 2.0.1 TransactionEvent and its parts, with sensible defaults.

export const T0 = Date.UTC(2026, 10, 26, 10, 0, 0)
export const minute = (n: number) => new Date(T0 + n * 60_000).toISOString()

export type SampledValue = {
  value: number
  measurand?: string
  phase?: string
  location?: string
  context?: string
  unitOfMeasure?: { unit?: string; multiplier?: number }
}

export function aRegister(value: number, unit?: string, multiplier?: number, context?: string): SampledValue {
  return {
    value,
    ...(context === undefined ? {} : { context }),
    ...(unit === undefined && multiplier === undefined
      ? {}
      : {
          unitOfMeasure: {
            ...(unit === undefined ? {} : { unit }),
            ...(multiplier === undefined ? {} : { multiplier }),
          },
        }),
  }
}

/** Ten sampled values: the register plus power, current, voltage per phase and SoC. */
export function tenSampledValues(registerWh: number): SampledValue[] {
  const phases = ['L1', 'L2', 'L3']
  return [
    aRegister(registerWh),
    { value: 11_000, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
    ...phases.map((phase) => ({
      value: 16,
      measurand: 'Current.Import',
      phase,
      unitOfMeasure: { unit: 'A' },
    })),
    ...phases.map((phase) => ({
      value: 230,
      measurand: 'Voltage',
      phase: `${phase}-N`,
      unitOfMeasure: { unit: 'V' },
    })),
    { value: 11.0, measurand: 'Power.Offered', unitOfMeasure: { unit: 'kW' } },
    { value: 55, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
  ]
}

export type TxEventOver = {
  transactionId: string
  seqNo: number
  eventType?: 'Started' | 'Updated' | 'Ended'
  timestamp?: string
  triggerReason?: string
  offline?: boolean
  evseId?: number
  idToken?: { idToken: string; type: string }
  chargingState?: string
  stoppedReason?: string
  remoteStartId?: number
  reservationId?: number
  sampledValues?: SampledValue[]
}

export function aTransactionEvent(o: TxEventOver): Record<string, unknown> {
  const eventType = o.eventType ?? 'Updated'
  const timestamp = o.timestamp ?? minute(o.seqNo)
  const trigger =
    o.triggerReason ??
    (eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'StopAuthorized' : 'MeterValuePeriodic')
  return {
    eventType,
    timestamp,
    triggerReason: trigger,
    seqNo: o.seqNo,
    ...(o.offline === undefined ? {} : { offline: o.offline }),
    ...(o.reservationId === undefined ? {} : { reservationId: o.reservationId }),
    transactionInfo: {
      transactionId: o.transactionId,
      ...(o.chargingState === undefined ? {} : { chargingState: o.chargingState }),
      ...(o.stoppedReason === undefined ? {} : { stoppedReason: o.stoppedReason }),
      ...(o.remoteStartId === undefined ? {} : { remoteStartId: o.remoteStartId }),
    },
    ...(eventType === 'Started' || o.evseId !== undefined
      ? { evse: { id: o.evseId ?? 1, connectorId: 1 } }
      : {}),
    ...(o.idToken === undefined ? {} : { idToken: o.idToken }),
    ...(o.sampledValues === undefined ? {} : { meterValue: [{ timestamp, sampledValue: o.sampledValues }] }),
  }
}

/** A clean session: Started at register `startWh`, `updates` Updated events +1 kWh each, Ended. */
export function aSession(
  transactionId: string,
  opts: { startWh?: number; updates?: number; offline?: boolean } = {},
) {
  const start = opts.startWh ?? 1_000_000
  const updates = opts.updates ?? 3
  const events = [
    aTransactionEvent({
      transactionId,
      seqNo: 0,
      eventType: 'Started',
      chargingState: 'Charging',
      sampledValues: [aRegister(start, undefined, undefined, 'Transaction.Begin')],
      ...(opts.offline === undefined ? {} : { offline: opts.offline }),
    }),
  ]
  for (let i = 1; i <= updates; i++) {
    events.push(
      aTransactionEvent({
        transactionId,
        seqNo: i,
        sampledValues: [aRegister(start + i * 1000)],
        ...(opts.offline === undefined ? {} : { offline: opts.offline }),
      }),
    )
  }
  events.push(
    aTransactionEvent({
      transactionId,
      seqNo: updates + 1,
      eventType: 'Ended',
      triggerReason: 'EVCommunicationLost',
      stoppedReason: 'EVDisconnected',
      chargingState: 'Idle',
      sampledValues: [aRegister(start + (updates + 1) * 1000, undefined, undefined, 'Transaction.End')],
      ...(opts.offline === undefined ? {} : { offline: opts.offline }),
    }),
  )
  return { events, energyWh: (updates + 1) * 1000 }
}
