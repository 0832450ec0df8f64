import type { ServiceName } from './subjects.js'

// Who sends each CSMS-initiated action (ARCHITECTURE.md, "Who owns which OCPP action"),
// with the 1.6 names mapped onto the same owners.
const table: Record<string, ServiceName> = {}
const own = (service: ServiceName, actions: string[]) => {
  for (const a of actions) table[a] = service
}
own('auth', [
  'SendLocalList',
  'GetLocalListVersion',
  'ClearCache',
  'CertificateSigned',
  'InstallCertificate',
  'DeleteCertificate',
  'GetInstalledCertificateIds',
])
own('transaction', [
  'RequestStartTransaction',
  'RequestStopTransaction',
  'GetTransactionStatus',
  'ReserveNow',
  'CancelReservation',
  'CostUpdated',
  'RemoteStartTransaction',
  'RemoteStopTransaction',
])
own('device-management', [
  'GetBaseReport',
  'GetReport',
  'GetVariables',
  'SetVariables',
  'SetVariableMonitoring',
  'ClearVariableMonitoring',
  'SetMonitoringBase',
  'SetMonitoringLevel',
  'GetMonitoringReport',
  'UpdateFirmware',
  'PublishFirmware',
  'UnpublishFirmware',
  'GetLog',
  'Reset',
  'ChangeAvailability',
  'UnlockConnector',
  'TriggerMessage',
  'SetNetworkProfile',
  'SetDisplayMessage',
  'GetDisplayMessages',
  'ClearDisplayMessage',
  'CustomerInformation',
  'DataTransfer',
  'ChangeConfiguration',
  'GetConfiguration',
  'GetDiagnostics',
  'ExtendedTriggerMessage',
  'SignedUpdateFirmware',
])
own('smart-charging', [
  'SetChargingProfile',
  'ClearChargingProfile',
  'GetChargingProfiles',
  'GetCompositeSchedule',
])
own('v2g', [
  'SetDERControl',
  'GetDERControl',
  'ClearDERControl',
  'NotifyAllowedEnergyTransfer',
  'AFRRSignal',
  'UpdateDynamicSchedule',
])

export const ACTION_OWNERS: Readonly<Record<string, ServiceName>> = table

export function ownerOf(action: string): ServiceName | undefined {
  return table[action]
}
