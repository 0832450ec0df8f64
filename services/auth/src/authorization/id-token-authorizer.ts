import type { IdTokenInfo } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { decideAuthorization } from '../domain/authorization.js'
import type { Clock } from '../domain/clock.js'
import { checkIdTokenFormat } from '../domain/id-token-format.js'
import type { IdTokenRepo } from '../repo/id-token-repo.js'
import type { StationAuthRepo } from '../repo/station-auth-repo.js'

export type AuthorizerPolicy = {
  cacheTtlS: number
  /** Default for stations without their own free-vend setting. */
  acceptUnknownIdTokens: boolean
  acceptNoAuthorization: boolean
}

export type AuthorizeQuery = { idToken: string; type: string; stationId: string; evseId?: number | undefined }

/** The 1.6 idTag as the transaction service forwards it (a 1.6 idTag has no type). */
export const IDTAG16 = 'IdTag16'

export type IdTokenAuthorizer = ReturnType<typeof createIdTokenAuthorizer>

/** Answers "may this token charge here?" for Authorize, TransactionEvent and 1.6 StartTransaction. */
export function createIdTokenAuthorizer(deps: {
  tokens: IdTokenRepo
  stations: StationAuthRepo
  policy: AuthorizerPolicy
  clock: Clock
  logger: Logger
}) {
  async function acceptUnknownAt(stationId: string): Promise<boolean> {
    return (await deps.stations.acceptUnknown(stationId)) ?? deps.policy.acceptUnknownIdTokens
  }

  async function decide(q: AuthorizeQuery, found: Awaited<ReturnType<IdTokenRepo['findWithGroup']>>) {
    const acceptUnknown = found.token ? false : await acceptUnknownAt(q.stationId)
    return decideAuthorization(
      found.token,
      found.group,
      { type: found.token?.type ?? q.type, stationId: q.stationId, evseId: q.evseId, now: deps.clock() },
      { ...deps.policy, acceptUnknown },
    )
  }

  return {
    async authorize(q: AuthorizeQuery): Promise<IdTokenInfo> {
      if (q.type === IDTAG16) {
        const token = await deps.tokens.findForIdTag(q.idToken)
        const group = token?.groupIdToken ? await deps.tokens.find(token.groupIdToken) : undefined
        return decide({ ...q, type: token?.type ?? 'Central' }, { token, group })
      }
      if (q.type === 'NoAuthorization') return decide(q, { token: undefined, group: undefined })
      const format = checkIdTokenFormat(q.type, q.idToken)
      if (!format.ok) {
        // Schema-valid but impossible: Invalid, never a CALLERROR (PITFALLS.md).
        deps.logger.info({ stationId: q.stationId, type: q.type, reason: format.reason }, 'malformed idToken')
        return { status: 'Invalid' }
      }
      return decide(q, await deps.tokens.findWithGroup({ idToken: format.idToken, type: q.type }))
    },
  }
}
