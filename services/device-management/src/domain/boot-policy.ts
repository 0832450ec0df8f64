// What a BootNotification is answered with: registered stations are Accepted; for a station
// nobody registered, the operator's policy decides (the gateway already let it connect).
export const REGISTRATION_STATUSES = ['Accepted', 'Pending', 'Rejected'] as const
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number]

export type BootPolicy = {
  unknownStationStatus: RegistrationStatus
  heartbeatIntervalS: number
  /** Retry interval (s) given with Pending or Rejected, so stations do not hammer the CSMS. */
  retryIntervalS: number
}

export function decideBoot(
  registered: boolean,
  policy: BootPolicy,
): { status: RegistrationStatus; interval: number } {
  const status = registered ? 'Accepted' : policy.unknownStationStatus
  return { status, interval: status === 'Accepted' ? policy.heartbeatIntervalS : policy.retryIntervalS }
}
