import type { IdTokenInfo, IdTokenRef } from './id-token.js'
import { ID_TOKEN_TYPES } from './id-token-admin.js'

// idTokenInfo is stored and passed on the bus as OCPP 2.1 allows it (any token type name up to
// 20 characters, ids up to 255). What a 2.0.1 or 1.6 station may receive is narrower; every
// service that answers a station with idTokenInfo or idTagInfo goes through these.

const V201_TYPES: ReadonlySet<string> = new Set(ID_TOKEN_TYPES)

/** Whether a token can be written in OCPP 2.0.1 at all: eight types, 36 characters. */
export function fitsV201(ref: IdTokenRef): boolean {
  return ref.idToken.length <= 36 && V201_TYPES.has(ref.type)
}

/**
 * idTokenInfo as a 2.0.1 station may receive it: a group 2.0.1 cannot express is left out (a
 * cut or renamed one would be another group), as 1.6 leaves out a parentIdTag that does not fit.
 */
export function toV201IdTokenInfo(info: IdTokenInfo): IdTokenInfo {
  const { groupIdToken, ...rest } = info
  return groupIdToken === undefined || fitsV201(groupIdToken) ? info : rest
}

const V16_STATUSES: ReadonlySet<string> = new Set([
  'Accepted',
  'Blocked',
  'Expired',
  'Invalid',
  'ConcurrentTx',
])

export type IdTagInfo = {
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx'
  expiryDate?: string
  parentIdTag?: string
}

/**
 * OCPP 1.6 idTagInfo from idTokenInfo: statuses 1.6 lacks (Unknown, NoCredit, NotAt…) become
 * Invalid; the group becomes parentIdTag when it fits 1.6's 20 characters.
 */
export function toIdTagInfo(info: IdTokenInfo): IdTagInfo {
  const status = (V16_STATUSES.has(info.status) ? info.status : 'Invalid') as IdTagInfo['status']
  const parent = info.groupIdToken?.idToken
  return {
    status,
    ...(info.cacheExpiryDateTime === undefined ? {} : { expiryDate: info.cacheExpiryDateTime }),
    ...(parent !== undefined && parent.length <= 20 ? { parentIdTag: parent } : {}),
  }
}
