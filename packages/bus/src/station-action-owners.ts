import type { OcppVersion, StationActionOf } from '@csms/ocpp'
import type { ServiceName } from './subjects.js'

// Which service answers each station-initiated CALL, per OCPP version: the handlers each service
// passes to runOcppHandlers (test-e2e/src/station-action-owners.test.ts checks it against the
// running platform). The gateway answers any other action NotSupported without asking NATS.
type Owners<V extends OcppVersion> = Partial<Record<StationActionOf<V>, ServiceName>>

/** 2.0.1 and 2.1 alike: every handler of these actions serves both versions. */
const V2_OWNERS = {
  Authorize: 'auth',
  Get15118EVCertificate: 'auth',
  GetCertificateStatus: 'auth',
  SignCertificate: 'auth',
  TransactionEvent: 'transaction',
  MeterValues: 'transaction',
  ReservationStatusUpdate: 'transaction',
  BootNotification: 'device-management',
  Heartbeat: 'device-management',
  StatusNotification: 'device-management',
  NotifyReport: 'device-management',
  NotifyEvent: 'device-management',
  NotifyMonitoringReport: 'device-management',
  FirmwareStatusNotification: 'device-management',
  LogStatusNotification: 'device-management',
  SecurityEventNotification: 'device-management',
  NotifyCustomerInformation: 'device-management',
  NotifyDisplayMessages: 'device-management',
  PublishFirmwareStatusNotification: 'device-management',
  DataTransfer: 'device-management',
  NotifyChargingLimit: 'smart-charging',
  ClearedChargingLimit: 'smart-charging',
  NotifyEVChargingNeeds: 'smart-charging',
  NotifyEVChargingSchedule: 'smart-charging',
  ReportChargingProfiles: 'smart-charging',
} as const satisfies Owners<'v201'> & Owners<'v21'>

const V16_OWNERS = {
  Authorize: 'auth',
  SignCertificate: 'auth',
  StartTransaction: 'transaction',
  StopTransaction: 'transaction',
  MeterValues: 'transaction',
  BootNotification: 'device-management',
  Heartbeat: 'device-management',
  StatusNotification: 'device-management',
  FirmwareStatusNotification: 'device-management',
  SignedFirmwareStatusNotification: 'device-management',
  DiagnosticsStatusNotification: 'device-management',
  LogStatusNotification: 'device-management',
  SecurityEventNotification: 'device-management',
  DataTransfer: 'device-management',
} as const satisfies Owners<'v16'>

// None of the actions 2.1 added is answered yet (the v2g service does not take the DER reports
// so far), nor the SEND NotifyPeriodicEventStream: add them here with their handlers.
const V21_OWNERS = { ...V2_OWNERS } as const satisfies Owners<'v21'>

// Maps and Sets, not object lookups: an action named "constructor" must find no owner.
const toMap = (owners: Readonly<Record<string, ServiceName>>): ReadonlyMap<string, ServiceName> =>
  new Map(Object.entries(owners))

const OWNERS: Readonly<Record<OcppVersion, ReadonlyMap<string, ServiceName>>> = {
  v16: toMap(V16_OWNERS),
  v201: toMap(V2_OWNERS),
  v21: toMap(V21_OWNERS),
}

const HANDLED: Readonly<Record<OcppVersion, ReadonlySet<string>>> = {
  v16: new Set(OWNERS.v16.keys()),
  v201: new Set(OWNERS.v201.keys()),
  v21: new Set(OWNERS.v21.keys()),
}

/** The service that answers a station-initiated action in this version, if any does. */
export function stationActionOwner(version: OcppVersion, action: string): ServiceName | undefined {
  return OWNERS[version].get(action)
}

/** The station-initiated actions some service answers in this version (one shared Set). */
export function stationActionsHandled(version: OcppVersion): ReadonlySet<string> {
  return HANDLED[version]
}
