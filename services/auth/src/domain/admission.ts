import type { AuthenticateStationResponse, SecurityProfile } from '@csms/bus'

export type StationCredentials = {
  securityProfile: SecurityProfile
  passwordHash: string | null
  /** A rotated password the station has not confirmed yet; valid beside the current one. */
  pendingPasswordHash?: string | null
}

export type AdmissionInput = {
  credentials: StationCredentials | undefined
  presentedProfile: SecurityProfile
  password: string | undefined
  allowUnknownStations: boolean
  verify: (password: string, hash: string) => Promise<boolean>
}

/** The decision, and (internally) whether the pending password of a rotation was the one used. */
export type Admission = AuthenticateStationResponse & { usedPendingPassword?: boolean }

/**
 * Decides whether a station may connect. No downgrade: a station registered for a profile is
 * refused on a weaker one. Profile 3 identities are proven by the client certificate, which the
 * gateway checks; profiles 1 and 2 need the Basic-auth password: the current one, or during a
 * rotation the new one (which proves the station took it).
 */
export async function admit(input: AdmissionInput): Promise<Admission> {
  const { credentials } = input
  if (!credentials) {
    return input.allowUnknownStations
      ? { accepted: true, registered: false, requiredProfile: 0 }
      : { accepted: false, reason: 'unknown_station' }
  }
  if (input.presentedProfile < credentials.securityProfile)
    return { accepted: false, reason: 'weaker_profile' }
  const accepted = { accepted: true, registered: true, requiredProfile: credentials.securityProfile } as const
  const needsPassword =
    credentials.passwordHash !== null && (input.presentedProfile === 1 || input.presentedProfile === 2)
  if (!needsPassword) return accepted
  if (input.password === undefined) return { accepted: false, reason: 'missing_password' }
  if (await input.verify(input.password, credentials.passwordHash as string)) return accepted
  const pending = credentials.pendingPasswordHash
  if (pending && (await input.verify(input.password, pending)))
    return { ...accepted, usedPendingPassword: true }
  return { accepted: false, reason: 'bad_password' }
}
