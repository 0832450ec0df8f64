import type { Payload, StrictDriver } from './strict-driver.js'

// What the strict station sends and how it answers the CSMS: payloads valid under the official
// schemas (both libraries refuse to send any that is not), with optional fields filled in where the
// CSMS's handling of them is worth exercising.

export const now = (offsetS = 0) => new Date(Date.now() + offsetS * 1000).toISOString()

/** A 2.0.1 meter value with the measurands a real AC station reports, phases and units included. */
export function aMeterValue(registerWh: number, context = 'Sample.Periodic'): Payload {
  return {
    timestamp: now(),
    sampledValue: [
      {
        value: registerWh,
        context,
        measurand: 'Energy.Active.Import.Register',
        location: 'Outlet',
        unitOfMeasure: { unit: 'Wh', multiplier: 0 },
      },
      { value: 11_000, context, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
      { value: 16, context, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
      { value: 231.5, context, measurand: 'Voltage', phase: 'L1-N', unitOfMeasure: { unit: 'V' } },
      { value: 42, context, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
    ],
  }
}

/** A 2.0.1 TransactionEvent on EVSE 1, connector 1. */
export function aTransactionEvent(o: {
  transactionId: string
  seqNo: number
  eventType: 'Started' | 'Updated' | 'Ended'
  registerWh: number
  triggerReason: string
  idToken?: Payload
  remoteStartId?: number
}): Payload {
  const context =
    o.eventType === 'Started' ? 'Transaction.Begin' : o.eventType === 'Ended' ? 'Transaction.End' : undefined
  return {
    eventType: o.eventType,
    timestamp: now(),
    triggerReason: o.triggerReason,
    seqNo: o.seqNo,
    transactionInfo: {
      transactionId: o.transactionId,
      chargingState: o.eventType === 'Ended' ? 'Idle' : 'Charging',
      ...(o.remoteStartId === undefined ? {} : { remoteStartId: o.remoteStartId }),
      ...(o.eventType === 'Ended' ? { stoppedReason: 'Remote' } : {}),
    },
    evse: { id: 1, connectorId: 1 },
    ...(o.idToken === undefined ? {} : { idToken: o.idToken }),
    meterValue: [aMeterValue(o.registerWh, context)],
  }
}

/** A 1.6 meter value of the energy register, with the power next to it. */
export function aV16MeterValue(registerWh: number, context = 'Sample.Periodic'): Payload {
  return {
    timestamp: now(),
    sampledValue: [
      {
        value: String(registerWh),
        context,
        format: 'Raw',
        measurand: 'Energy.Active.Import.Register',
        location: 'Outlet',
        unit: 'Wh',
      },
      { value: '11000', context, measurand: 'Power.Active.Import', unit: 'W' },
      { value: '16', context, measurand: 'Current.Import', phase: 'L1', unit: 'A' },
    ],
  }
}

/** The 2.0.1 notifications a station sends, each answered by an empty CALLRESULT. */
export function v201Notifications(): Array<[action: string, payload: Payload]> {
  return [
    [
      'NotifyReport',
      {
        requestId: 901,
        generatedAt: now(),
        seqNo: 0,
        tbc: false,
        reportData: [
          {
            component: { name: 'OCPPCommCtrlr' },
            variable: { name: 'HeartbeatInterval' },
            variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }],
            variableCharacteristics: { dataType: 'integer', supportsMonitoring: false, unit: 's' },
          },
        ],
      },
    ],
    [
      'NotifyEvent',
      {
        generatedAt: now(),
        seqNo: 0,
        tbc: false,
        eventData: [
          {
            eventId: 1,
            timestamp: now(),
            trigger: 'Delta',
            actualValue: 'Unavailable',
            eventNotificationType: 'HardWiredNotification',
            component: { name: 'Connector', evse: { id: 1, connectorId: 1 } },
            variable: { name: 'AvailabilityState' },
          },
        ],
      },
    ],
    ['NotifyMonitoringReport', { requestId: 902, seqNo: 0, generatedAt: now(), tbc: false }],
    ['SecurityEventNotification', { type: 'SettingSystemTime', timestamp: now(), techInfo: 'NTP' }],
    ['FirmwareStatusNotification', { status: 'Idle' }],
    ['LogStatusNotification', { status: 'Idle' }],
    ['PublishFirmwareStatusNotification', { status: 'Idle' }],
    [
      'NotifyCustomerInformation',
      { data: 'nothing stored', seqNo: 0, generatedAt: now(), requestId: 903, tbc: false },
    ],
    ['NotifyDisplayMessages', { requestId: 904, tbc: false }],
    ['ReservationStatusUpdate', { reservationId: 905, reservationUpdateStatus: 'Expired' }],
    [
      'NotifyChargingLimit',
      { evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false } },
    ],
    ['ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 }],
    [
      'ReportChargingProfiles',
      {
        requestId: 906,
        chargingLimitSource: 'CSO',
        tbc: false,
        evseId: 1,
        chargingProfile: [
          {
            id: 906,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Relative',
            chargingSchedule: [
              { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }] },
            ],
          },
        ],
      },
    ],
  ]
}

const accepted = () => ({ status: 'Accepted' })

/** How the 2.0.1 station answers every CSMS CALL the tests provoke. */
export function answerAsV201Station(cs: StrictDriver): void {
  let listVersion = 0
  cs.answer('GetVariables', (p) => ({
    getVariableResult: (p.getVariableData as Payload[]).map((d) => ({
      attributeStatus: 'Accepted',
      attributeType: 'Actual',
      attributeValue: '300',
      component: d.component,
      variable: d.variable,
    })),
  }))
    .answer('SetVariables', (p) => ({
      setVariableResult: (p.setVariableData as Payload[]).map((d) => ({
        attributeStatus: 'Accepted',
        attributeType: d.attributeType ?? 'Actual',
        component: d.component,
        variable: d.variable,
      })),
    }))
    .answer('GetBaseReport', accepted)
    .answer('TriggerMessage', accepted)
    .answer('Reset', () => ({ status: 'Scheduled' }))
    .answer('ChangeAvailability', accepted)
    .answer('UnlockConnector', () => ({ status: 'Unlocked' }))
    .answer('UpdateFirmware', accepted)
    .answer('GetLog', () => ({ status: 'Accepted', filename: 'strict-201.log' }))
    .answer('ClearCache', accepted)
    .answer('GetLocalListVersion', () => ({ versionNumber: listVersion }))
    .answer('SendLocalList', (p) => {
      listVersion = p.versionNumber as number
      return accepted()
    })
    .answer('GetInstalledCertificateIds', () => ({ status: 'NotFound' }))
    .answer('InstallCertificate', accepted)
    .answer('SetChargingProfile', accepted)
    .answer('GetChargingProfiles', () => ({ status: 'NoProfiles' }))
    .answer('ClearChargingProfile', accepted)
    .answer('GetCompositeSchedule', (p) => ({
      status: 'Accepted',
      schedule: {
        evseId: p.evseId,
        duration: p.duration,
        scheduleStart: now(),
        chargingRateUnit: p.chargingRateUnit ?? 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, numberPhases: 3 }],
      },
    }))
    .answer('RequestStartTransaction', accepted)
    .answer('RequestStopTransaction', accepted)
    .answer('GetTransactionStatus', () => ({ ongoingIndicator: true, messagesInQueue: false }))
    .answer('CostUpdated', () => ({}))
}

/** How the 1.6 station answers every CSMS CALL the tests provoke. */
export function answerAsV16Station(cs: StrictDriver): void {
  let listVersion = 0
  cs.answer('ChangeConfiguration', accepted)
    .answer('GetConfiguration', (p) => ({
      configurationKey: ((p.key as string[] | undefined) ?? ['HeartbeatInterval']).map((key) => ({
        key,
        readonly: false,
        value: '300',
      })),
    }))
    .answer('Reset', accepted)
    .answer('TriggerMessage', accepted)
    .answer('ChangeAvailability', accepted)
    .answer('UnlockConnector', () => ({ status: 'Unlocked' }))
    .answer('ClearCache', accepted)
    .answer('GetLocalListVersion', () => ({ listVersion }))
    .answer('SendLocalList', (p) => {
      listVersion = p.listVersion as number
      return accepted()
    })
    .answer('InstallCertificate', accepted)
    .answer('UpdateFirmware', () => ({}))
    .answer('GetDiagnostics', () => ({ fileName: 'strict-16.log' }))
    .answer('SetChargingProfile', accepted)
    .answer('ClearChargingProfile', accepted)
    .answer('GetCompositeSchedule', (p) => ({
      status: 'Accepted',
      connectorId: p.connectorId,
      scheduleStart: now(),
      chargingSchedule: {
        duration: p.duration,
        chargingRateUnit: p.chargingRateUnit ?? 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
      },
    }))
    .answer('RemoteStartTransaction', accepted)
    .answer('RemoteStopTransaction', accepted)
}
