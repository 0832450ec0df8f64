import type { StationModel } from './station-models.js'

/** One variable of the OCPP 2.x device model, as reported in NotifyReport and read by GetVariables. */
export type DeviceVariable = {
  component: string
  evseId?: number
  connectorId?: number
  variable: string
  instance?: string
  value: string
  mutability: 'ReadOnly' | 'ReadWrite'
  dataType:
    | 'string'
    | 'decimal'
    | 'integer'
    | 'dateTime'
    | 'boolean'
    | 'OptionList'
    | 'SequenceList'
    | 'MemberList'
  unit?: string
  /** The 1.6 configuration key that shows the same setting, if any. */
  key16?: string
}

export type DeviceModelSeed = {
  stationId: string
  model: StationModel
  heartbeatIntervalS: number
  meterIntervalS: number
}

/**
 * The variables a station reports: the standard controllers of OCPP 2.0.1 part 2 appendix 3
 * that a load test touches, each EVSE and connector, and the 1.6 configuration keys that map
 * onto them.
 */
export function createDeviceModel(seed: DeviceModelSeed): DeviceVariable[] {
  const m = seed.model
  const v = (
    component: string,
    variable: string,
    value: string,
    extra: Partial<DeviceVariable> = {},
  ): DeviceVariable => ({ component, variable, value, mutability: 'ReadOnly', dataType: 'string', ...extra })
  const rw = { mutability: 'ReadWrite' } as const
  const int = { dataType: 'integer' } as const
  const bool = { dataType: 'boolean' } as const
  const vars: DeviceVariable[] = [
    v('ChargingStation', 'Model', m.model),
    v('ChargingStation', 'VendorName', m.vendor),
    v('ChargingStation', 'AvailabilityState', 'Available', { dataType: 'OptionList' }),
    v('ChargingStation', 'Available', 'true', bool),
    v('ChargingStation', 'SupplyPhases', String(m.evses[0]?.phases ?? 3), int),
    v('Controller', 'FirmwareVersion', m.firmwareVersion),
    v('SecurityCtrlr', 'Identity', seed.stationId),
    v('SecurityCtrlr', 'SecurityProfile', '1', int),
    v('OCPPCommCtrlr', 'HeartbeatInterval', String(seed.heartbeatIntervalS), {
      ...rw,
      ...int,
      unit: 's',
      key16: 'HeartbeatInterval',
    }),
    v('OCPPCommCtrlr', 'RetryBackOffWaitMinimum', '1', { ...rw, ...int, unit: 's' }),
    v('OCPPCommCtrlr', 'RetryBackOffRandomRange', '2', { ...rw, ...int, unit: 's' }),
    v('OCPPCommCtrlr', 'RetryBackOffRepeatTimes', '5', { ...rw, ...int }),
    v('OCPPCommCtrlr', 'MessageTimeout', '30', { ...int, unit: 's', instance: 'Default' }),
    v('OCPPCommCtrlr', 'WebSocketPingInterval', '0', {
      ...rw,
      ...int,
      unit: 's',
      key16: 'WebSocketPingInterval',
    }),
    v('SampledDataCtrlr', 'TxUpdatedInterval', String(seed.meterIntervalS), {
      ...rw,
      ...int,
      unit: 's',
      key16: 'MeterValueSampleInterval',
    }),
    v('SampledDataCtrlr', 'TxUpdatedMeasurands', 'Energy.Active.Import.Register,Power.Active.Import', {
      ...rw,
      dataType: 'MemberList',
      key16: 'MeterValuesSampledData',
    }),
    v('AuthCtrlr', 'Enabled', 'true', { ...rw, ...bool }),
    v('AuthCtrlr', 'AuthorizeRemoteStart', 'false', { ...rw, ...bool, key16: 'AuthorizeRemoteTxRequests' }),
    v('AuthCtrlr', 'LocalAuthorizeOffline', 'true', { ...rw, ...bool, key16: 'LocalAuthorizeOffline' }),
    v('TxCtrlr', 'EVConnectionTimeOut', '60', { ...rw, ...int, unit: 's', key16: 'ConnectionTimeOut' }),
    v('TxCtrlr', 'StopTxOnEVSideDisconnect', 'true', { ...bool, key16: 'StopTransactionOnEVSideDisconnect' }),
    v('TxCtrlr', 'TxStartPoint', 'EVConnected,Authorized', { ...rw, dataType: 'MemberList' }),
    v('TxCtrlr', 'TxStopPoint', 'EVConnected,Authorized', { ...rw, dataType: 'MemberList' }),
    v('SmartChargingCtrlr', 'Enabled', 'true', bool),
    v('SmartChargingCtrlr', 'RateUnit', 'A,W', { dataType: 'MemberList' }),
    v('SmartChargingCtrlr', 'PeriodsPerSchedule', '24', { ...int, key16: 'ChargingScheduleMaxPeriods' }),
    v('SmartChargingCtrlr', 'ProfileStackLevel', '8', { ...int, key16: 'ChargeProfileMaxStackLevel' }),
    v('DeviceDataCtrlr', 'ItemsPerMessage', '20', { ...int, instance: 'GetReport' }),
    v('DeviceDataCtrlr', 'ItemsPerMessage', '20', { ...int, instance: 'GetVariables' }),
    v('DeviceDataCtrlr', 'ItemsPerMessage', '20', { ...int, instance: 'SetVariables' }),
    v('ChargingStation', 'NumberOfConnectors', String(m.evses.length), {
      ...int,
      key16: 'NumberOfConnectors',
    }),
  ]
  m.evses.forEach((evse, i) => {
    const evseId = i + 1
    vars.push(
      v('EVSE', 'AvailabilityState', 'Available', { evseId, dataType: 'OptionList' }),
      v('EVSE', 'Power', String(evse.maxPowerW), { evseId, dataType: 'decimal', unit: 'W' }),
      v('EVSE', 'SupplyPhases', String(evse.phases), { evseId, ...int }),
    )
    if (evse.maxDischargePowerW > 0) {
      vars.push(v('V2XChargingCtrlr', 'Enabled', 'true', { evseId, ...bool }))
    }
    evse.connectors.forEach((c, j) => {
      vars.push(
        v('Connector', 'ConnectorType', c.type, { evseId, connectorId: j + 1 }),
        v('Connector', 'AvailabilityState', 'Available', {
          evseId,
          connectorId: j + 1,
          dataType: 'OptionList',
        }),
      )
    })
  })
  return vars
}

export type VariableRef = {
  component: string
  evseId?: number | undefined
  variable: string
  instance?: string | undefined
}

export function findVariable(model: readonly DeviceVariable[], ref: VariableRef): DeviceVariable | undefined {
  return model.find(
    (d) =>
      d.component === ref.component &&
      d.variable === ref.variable &&
      (d.instance ?? undefined) === (ref.instance ?? undefined) &&
      (ref.evseId === undefined || d.evseId === ref.evseId),
  )
}

export function hasComponent(model: readonly DeviceVariable[], component: string, evseId?: number): boolean {
  return model.some((d) => d.component === component && (evseId === undefined || d.evseId === evseId))
}

/** A value a ReadWrite variable of this type accepts. */
export function isValidValue(d: DeviceVariable, value: string): boolean {
  switch (d.dataType) {
    case 'integer':
      return /^-?\d+$/.test(value)
    case 'decimal':
      return /^-?\d+(\.\d+)?$/.test(value)
    case 'boolean':
      return value === 'true' || value === 'false'
    default:
      return value.length <= 1000
  }
}
