import type { v16 } from '@csms/ocpp'
import type { MeterReading } from '../model/meter.js'
import type { EvseSpec, StationModel } from '../model/station-models.js'
import type { ConnectorState } from './station-types.js'

// Builders for the OCPP 1.6J messages a legacy station sends. 1.6 has no EVSE: connector N is
// the simulator's EVSE N, connector 0 the whole charge point.

type SampledValue = v16.MeterValuesRequest['meterValue'][number]['sampledValue'][number]
type MeterValue16 = v16.MeterValuesRequest['meterValue'][number]
export type StatusV16 = v16.StatusNotificationRequest['status']

export function bootNotification16(
  model: StationModel,
  serial: string,
  firmware: string,
): v16.BootNotificationRequest {
  return {
    chargePointVendor: model.vendor,
    chargePointModel: model.model,
    chargePointSerialNumber: serial.slice(0, 25),
    firmwareVersion: firmware,
  }
}

export function connectorStatusV16(state: ConnectorState): StatusV16 {
  switch (state) {
    case 'available':
      return 'Available'
    case 'occupied':
      return 'Preparing'
    case 'charging':
      return 'Charging'
    case 'suspendedEV':
      return 'SuspendedEV'
    case 'suspendedEVSE':
      return 'SuspendedEVSE'
    case 'finishing':
      return 'Finishing'
    case 'reserved':
      return 'Reserved'
    case 'unavailable':
      return 'Unavailable'
    case 'faulted':
      return 'Faulted'
  }
}

export function statusNotification16(connectorId: number, status: StatusV16): v16.StatusNotificationRequest {
  return { connectorId, errorCode: 'NoError', status, timestamp: new Date().toISOString() }
}

export function meterValue16(
  r: MeterReading,
  spec: EvseSpec,
  context: NonNullable<SampledValue['context']>,
  soc: number | undefined,
): MeterValue16 {
  const sampledValue: SampledValue[] = [
    {
      value: String(Math.round(r.importWh)),
      context,
      measurand: 'Energy.Active.Import.Register',
      unit: 'Wh',
    },
    {
      value: String(Math.max(0, Math.round(r.powerW))),
      context,
      measurand: 'Power.Active.Import',
      unit: 'W',
    },
  ]
  if (soc !== undefined && spec.current === 'DC') {
    sampledValue.push({ value: String(Math.round(soc * 100)), context, measurand: 'SoC', unit: 'Percent' })
  }
  return { timestamp: new Date(r.at).toISOString(), sampledValue }
}
