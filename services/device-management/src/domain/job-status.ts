import type { JobKind, JobOutcome } from '@csms/bus'

// How a job's status decides its outcome: what the station answered the request, then the
// statuses its notifications report. The end states are those the OCPP 2.0.1 and 1.6 enums
// name as such (FirmwareStatusEnumType, UploadLogStatusEnumType, PublishFirmwareStatusEnumType).

const ACCEPTED_ANSWERS: Record<JobKind, readonly string[]> = {
  firmware: ['Accepted', 'AcceptedCanceled'],
  'publish-firmware': ['Accepted'],
  log: ['Accepted', 'AcceptedCanceled'],
  report: ['Accepted'],
  'monitoring-report': ['Accepted'],
  'display-messages': ['Accepted'],
  'customer-information': ['Accepted'],
}

/** Answers that end the job successfully at once: nothing will be reported. */
const DONE_ANSWERS: Partial<Record<JobKind, readonly string[]>> = {
  report: ['EmptyResultSet'],
  'monitoring-report': ['EmptyResultSet'],
  'display-messages': ['Unknown'],
}

const SUCCESS: Record<JobKind, readonly string[]> = {
  firmware: ['Installed'],
  'publish-firmware': ['Published'],
  log: ['Uploaded'],
  report: ['Completed'],
  'monitoring-report': ['Completed'],
  'display-messages': ['Completed'],
  'customer-information': ['Completed'],
}

const FAILURE: Record<JobKind, readonly string[]> = {
  firmware: ['DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed', 'InvalidSignature'],
  'publish-firmware': ['DownloadFailed', 'InvalidChecksum', 'PublishFailed'],
  // UploadFailed is 1.6 DiagnosticsStatusNotification's; AcceptedCanceled: a newer GetLog took over.
  log: [
    'BadMessage',
    'NotSupportedOperation',
    'PermissionDenied',
    'UploadFailure',
    'UploadFailed',
    'AcceptedCanceled',
  ],
  report: [],
  'monitoring-report': [],
  'display-messages': [],
  'customer-information': [],
}

/** The outcome after the station answered the request with `status`. */
export function outcomeOfAnswer(kind: JobKind, status: string): JobOutcome {
  if (DONE_ANSWERS[kind]?.includes(status)) return 'succeeded'
  return ACCEPTED_ANSWERS[kind].includes(status) ? 'open' : 'failed'
}

/** The outcome after a notification reported `status`. */
export function outcomeOfStatus(kind: JobKind, status: string): JobOutcome {
  if (SUCCESS[kind].includes(status)) return 'succeeded'
  if (FAILURE[kind].includes(status)) return 'failed'
  return 'open'
}

/**
 * Statuses a station sends when asked (TriggerMessage) with nothing in progress: recorded in
 * the history, never moving a job.
 */
export function isIdleStatus(status: string): boolean {
  return status === 'Idle'
}
