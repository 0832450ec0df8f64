import type { AuthorizationStatus, IdTokenInfo, IdTokenRef } from '@csms/bus'

export type PersonalMessage = NonNullable<IdTokenInfo['personalMessage']>

/** A token as stored by the operator. */
export type StoredIdToken = {
  idToken: string
  type: string
  status: AuthorizationStatus
  expiresAt: Date | null
  groupIdToken: IdTokenRef | null
  language1: string | null
  language2: string | null
  chargingPriority: number | null
  evseIds: number[] | null
  stationIds: string[] | null
  personalMessage: PersonalMessage | null
}

export type AuthorizationPolicy = {
  /** How long a station may keep an answer in its authorization cache; 0 leaves it unbounded. */
  cacheTtlS: number
  /** Answer for a token nobody stored: `Accepted` on free-vend stations, `Unknown` elsewhere. */
  acceptUnknown: boolean
  /** Whether `NoAuthorization` (a start button, C02) is accepted. */
  acceptNoAuthorization: boolean
}

export type AuthorizationQuery = {
  type: string
  stationId: string
  evseId?: number | undefined
  now: Date
}

/**
 * The idTokenInfo a station gets for a token (OCPP 2.0.1 C01/C09/C10). A token that is
 * Accepted as stored may still be refused here: expired (`Expired`), restricted to other
 * stations (`NotAtThisLocation`) or EVSEs (`NotAllowedTypeEVSE`), or in a group that is itself
 * blocked or expired (the group's status: blocking a fleet blocks its cards).
 */
export function decideAuthorization(
  token: StoredIdToken | undefined,
  group: StoredIdToken | undefined,
  query: AuthorizationQuery,
  policy: AuthorizationPolicy,
): IdTokenInfo {
  if (query.type === 'NoAuthorization')
    return { status: policy.acceptNoAuthorization ? 'Accepted' : 'Invalid' }
  const cacheLimit = policy.cacheTtlS > 0 ? new Date(query.now.getTime() + policy.cacheTtlS * 1000) : null
  if (!token) {
    if (!policy.acceptUnknown) return { status: 'Unknown' }
    // Free vend: bounded like any acceptance, so that turning free vend off reaches the caches.
    return { status: 'Accepted', ...(cacheLimit ? { cacheExpiryDateTime: cacheLimit.toISOString() } : {}) }
  }
  const status = effectiveStatus(token, group, query)
  const cacheExpiry = earliest(cacheLimit, status === 'Accepted' ? validUntil(token, group) : null)
  return {
    status,
    ...(cacheExpiry ? { cacheExpiryDateTime: cacheExpiry.toISOString() } : {}),
    ...details(token),
  }
}

function effectiveStatus(token: StoredIdToken, group: StoredIdToken | undefined, q: AuthorizationQuery) {
  if (token.status !== 'Accepted') return token.status
  if (isExpired(token, q.now)) return 'Expired'
  if (token.stationIds && !token.stationIds.includes(q.stationId)) return 'NotAtThisLocation'
  if (token.evseIds && q.evseId !== undefined && !token.evseIds.includes(q.evseId))
    return 'NotAllowedTypeEVSE'
  if (group && group.status !== 'Accepted') return group.status
  if (group && isExpired(group, q.now)) return 'Expired'
  return 'Accepted'
}

/**
 * The idTokenInfo of a local authorization list entry: no cache bound (the list is not the
 * cache), the token's (or its group's) expiry as cacheExpiryDateTime so an offline station
 * refuses it in time.
 */
export function localListInfo(
  token: StoredIdToken,
  group: StoredIdToken | undefined,
  stationId: string,
  now: Date,
) {
  const status = effectiveStatus(token, group, { type: token.type, stationId, now })
  const info: IdTokenInfo = { status, ...details(token) }
  const until = validUntil(token, group)
  if (until) info.cacheExpiryDateTime = until.toISOString()
  return info
}

/** When an accepted token stops being accepted: its own expiry or its group's, whichever is first. */
function validUntil(token: StoredIdToken, group: StoredIdToken | undefined): Date | null {
  return earliest(token.expiresAt, group?.expiresAt ?? null)
}

function details(token: StoredIdToken): Omit<IdTokenInfo, 'status' | 'cacheExpiryDateTime'> {
  return {
    ...(token.chargingPriority === null ? {} : { chargingPriority: token.chargingPriority }),
    ...(token.language1 === null ? {} : { language1: token.language1 }),
    ...(token.language2 === null ? {} : { language2: token.language2 }),
    ...(token.evseIds === null ? {} : { evseId: token.evseIds }),
    ...(token.groupIdToken === null ? {} : { groupIdToken: token.groupIdToken }),
    ...(token.personalMessage === null ? {} : { personalMessage: token.personalMessage }),
  }
}

const isExpired = (t: StoredIdToken, now: Date) =>
  t.expiresAt !== null && t.expiresAt.getTime() <= now.getTime()

function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b
  if (b === null) return a
  return a.getTime() <= b.getTime() ? a : b
}
