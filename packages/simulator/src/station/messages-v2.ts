import type { v21, v201 } from '@csms/ocpp'
import type { MeterReading } from '../model/meter.js'
import type { EvseSpec, StationModel } from '../model/station-models.js'
import type { ConnectorState, Session } from './station-types.js'

// Builders for the station-initiated messages of OCPP 2.0.1 and 2.1, typed against the 2.0.1
// schemas; the 2.1 additions a V2G station sends are typed against 2.1.

export function bootNotification(
  model: StationModel,
  serial: string,
  firmware: string,
  reason: v201.BootReasonEnumType,
): v201.BootNotificationRequest {
  return {
    reason,
    chargingStation: {
      vendorName: model.vendor,
      model: model.model,
      serialNumber: serial.slice(0, 25),
      firmwareVersion: firmware,
    },
  }
}

export function connectorStatusV2(state: ConnectorState): v201.ConnectorStatusEnumType {
  switch (state) {
    case 'available':
      return 'Available'
    case 'reserved':
      return 'Reserved'
    case 'unavailable':
      return 'Unavailable'
    case 'faulted':
      return 'Faulted'
    default:
      return 'Occupied'
  }
}

export function statusNotification(
  evseId: number,
  connectorId: number,
  status: v201.ConnectorStatusEnumType,
): v201.StatusNotificationRequest {
  return { timestamp: new Date().toISOString(), connectorStatus: status, evseId, connectorId }
}

export function idTokenOf(idToken: string): v201.IdTokenType {
  return { idToken, type: 'ISO14443' }
}

const wh = (n: number) => Math.round(n)

/** The measurands a station reports: registers, power, and SoC where the EV tells it (DC). */
export function meterValue(
  r: MeterReading,
  spec: EvseSpec,
  context: v201.ReadingContextEnumType,
  soc: number | undefined,
): v201.MeterValueType {
  const sampledValue: v201.SampledValueType[] = [
    {
      value: wh(r.importWh),
      context,
      measurand: 'Energy.Active.Import.Register',
      unitOfMeasure: { unit: 'Wh' },
    },
    {
      value: Math.max(0, Math.round(r.powerW)),
      context,
      measurand: 'Power.Active.Import',
      unitOfMeasure: { unit: 'W' },
    },
  ]
  if (spec.maxDischargePowerW > 0) {
    sampledValue.push(
      {
        value: wh(r.exportWh),
        context,
        measurand: 'Energy.Active.Export.Register',
        unitOfMeasure: { unit: 'Wh' },
      },
      {
        value: Math.max(0, -Math.round(r.powerW)),
        context,
        measurand: 'Power.Active.Export',
        unitOfMeasure: { unit: 'W' },
      },
    )
  }
  if (soc !== undefined && spec.current === 'DC') {
    sampledValue.push({
      value: Math.round(soc * 100),
      context,
      measurand: 'SoC',
      unitOfMeasure: { unit: 'Percent' },
    })
  }
  return { timestamp: new Date(r.at).toISOString(), sampledValue }
}

export type TxEventInput = {
  eventType: v201.TransactionEventEnumType
  triggerReason: v201.TriggerReasonEnumType
  session: Session
  evseId: number
  seqNo: number
  meter?: v201.MeterValueType
  stoppedReason?: v201.ReasonEnumType
  withIdToken?: boolean
}

export function transactionEvent(i: TxEventInput): v201.TransactionEventRequest {
  const tx = i.session.tx
  if (!tx) throw new Error('transactionEvent without a transaction')
  return {
    eventType: i.eventType,
    timestamp: new Date().toISOString(),
    triggerReason: i.triggerReason,
    seqNo: i.seqNo,
    transactionInfo: {
      transactionId: tx.id,
      chargingState: tx.chargingState,
      ...(i.stoppedReason ? { stoppedReason: i.stoppedReason } : {}),
      ...(i.session.remoteStartId !== undefined && i.eventType === 'Started'
        ? { remoteStartId: i.session.remoteStartId }
        : {}),
    },
    ...(i.eventType === 'Started' ? { evse: { id: i.evseId, connectorId: i.session.connectorId } } : {}),
    ...(i.withIdToken ? { idToken: idTokenOf(i.session.idToken) } : {}),
    ...(i.meter ? { meterValue: [i.meter] } : {}),
  }
}

/** What an ISO 15118 EV asks for (2.0.1): energy to its target and when it leaves. */
export function chargingNeedsV201(
  session: Session,
  evseId: number,
  spec: EvseSpec,
): v201.NotifyEVChargingNeedsRequest {
  const ev = session.ev
  const energyAmount = Math.max(0, Math.round((ev.targetSoc - ev.soc) * ev.batteryWh))
  return {
    evseId,
    chargingNeeds: {
      requestedEnergyTransfer: spec.current === 'DC' ? 'DC' : 'AC_three_phase',
      departureTime: new Date(ev.departureAt).toISOString(),
      ...(spec.current === 'DC'
        ? {
            dcChargingParameters: {
              evMaxCurrent: Math.round(ev.maxDcW / 400),
              evMaxVoltage: 500,
              energyAmount,
              evMaxPower: ev.maxDcW,
              stateOfCharge: Math.round(ev.soc * 100),
              evEnergyCapacity: ev.batteryWh,
              fullSoC: 100,
            },
          }
        : { acChargingParameters: { energyAmount, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } }),
    },
  }
}

/** 2.1: a bidirectional EV also offers its V2X range (charge and discharge power, energy bounds). */
export function chargingNeedsV21(
  session: Session,
  evseId: number,
  spec: EvseSpec,
): v21.NotifyEVChargingNeedsRequest {
  const ev = session.ev
  const bidirectional = ev.maxDischargeW > 0 && spec.maxDischargePowerW > 0
  const energyAmount = Math.max(0, Math.round((ev.targetSoc - ev.soc) * ev.batteryWh))
  const dc = spec.current === 'DC'
  return {
    evseId,
    timestamp: new Date().toISOString(),
    chargingNeeds: {
      requestedEnergyTransfer: bidirectional ? (dc ? 'DC_BPT' : 'AC_BPT') : dc ? 'DC' : 'AC_three_phase',
      availableEnergyTransfer: bidirectional
        ? [dc ? 'DC_BPT' : 'AC_BPT', dc ? 'DC' : 'AC_three_phase']
        : [dc ? 'DC' : 'AC_three_phase'],
      controlMode: 'ScheduledControl',
      departureTime: new Date(ev.departureAt).toISOString(),
      ...(dc
        ? {
            dcChargingParameters: {
              evMaxCurrent: Math.round(ev.maxDcW / 400),
              evMaxVoltage: 500,
              energyAmount,
              evMaxPower: ev.maxDcW,
              stateOfCharge: Math.round(ev.soc * 100),
              evEnergyCapacity: ev.batteryWh,
            },
          }
        : { acChargingParameters: { energyAmount, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } }),
      ...(bidirectional
        ? {
            v2xChargingParameters: {
              maxChargePower: Math.min(spec.maxPowerW, dc ? ev.maxDcW : ev.maxAcW),
              maxDischargePower: Math.min(spec.maxDischargePowerW, ev.maxDischargeW),
              evTargetEnergyRequest: energyAmount,
              evMinV2XEnergyRequest: -Math.round((ev.soc - ev.minSoc) * ev.batteryWh),
              evMaxV2XEnergyRequest: Math.round((1 - ev.soc) * ev.batteryWh),
              targetSoC: Math.round(ev.targetSoc * 100),
            },
          }
        : {}),
    },
  }
}
