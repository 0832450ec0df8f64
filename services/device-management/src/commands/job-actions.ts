import type { JobKind } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'

/**
 * The CSMS-initiated actions whose progress the station reports later, the job kind they
 * open, and where their requestId is (1.6 UpdateFirmware and GetDiagnostics carry none).
 */
const JOB_ACTIONS: Readonly<Record<string, JobKind>> = {
  UpdateFirmware: 'firmware',
  SignedUpdateFirmware: 'firmware',
  PublishFirmware: 'publish-firmware',
  GetLog: 'log',
  GetDiagnostics: 'log',
  GetBaseReport: 'report',
  GetReport: 'report',
  GetMonitoringReport: 'monitoring-report',
  GetDisplayMessages: 'display-messages',
  CustomerInformation: 'customer-information',
}

export function jobKindOf(action: string): JobKind | undefined {
  return JOB_ACTIONS[action]
}

/** The requestId a request carries, or undefined when the CSMS must pick one. */
export function requestIdOf(version: OcppVersion, action: string, payload: unknown): number | undefined {
  if (version === 'v16' && (action === 'UpdateFirmware' || action === 'GetDiagnostics')) return undefined
  const id = (payload as { requestId?: unknown } | undefined)?.requestId
  return typeof id === 'number' ? id : undefined
}
