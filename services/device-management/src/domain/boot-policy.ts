// What a BootNotification is answered with: the operator's per-station registration status
// when set (B02 Pending, B03 Rejected); otherwise registered stations are Accepted and, for a
// station nobody registered, the operator's policy decides (the gateway already let it in).
export const REGISTRATION_STATUSES = ['Accepted', 'Pending', 'Rejected'] as const
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number]

export type BootPolicy = {
  unknownStationStatus: RegistrationStatus
  heartbeatIntervalS: number
  /** Retry interval (s) given with Pending or Rejected, so stations do not hammer the CSMS. */
  retryIntervalS: number
}

export type Registration = { registered: boolean; policy: RegistrationStatus | null }

export function decideBoot(
  registration: Registration,
  policy: BootPolicy,
): { status: RegistrationStatus; interval: number } {
  const status = registration.policy ?? (registration.registered ? 'Accepted' : policy.unknownStationStatus)
  return { status, interval: status === 'Accepted' ? policy.heartbeatIntervalS : policy.retryIntervalS }
}
