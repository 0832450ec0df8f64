import {
  AppError,
  authorizeIdTokenRpc,
  deleteIdTokenRpc,
  getIdTokenRpc,
  getStationAuthPolicyRpc,
  listIdTokensRpc,
  serveRpc,
  setStationAuthPolicyRpc,
  upsertIdTokenRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { IdTokenAuthorizer } from '../authorization/id-token-authorizer.js'
import { checkIdTokenFormat } from '../domain/id-token-format.js'
import type { LocalListSync } from '../local-list/local-list-sync.js'
import type { IdTokenRepo } from '../repo/id-token-repo.js'
import type { StationAuthRepo } from '../repo/station-auth-repo.js'

type Deps = {
  nc: NatsConnection
  authorizer: IdTokenAuthorizer
  tokens: IdTokenRepo
  stations: StationAuthRepo
  sync: LocalListSync
  acceptUnknownDefault: boolean
  logger: Logger
}

const cursorOf = (t: { idToken: string; type: string }) =>
  Buffer.from(JSON.stringify([t.idToken, t.type])).toString('base64url')
function parseCursor(cursor: string) {
  try {
    const [idToken, type] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string]
    if (typeof idToken === 'string' && typeof type === 'string') return { idToken, type }
  } catch {}
  throw new AppError('invalid_input', 'not a cursor of this list')
}

function normalized(idToken: string, type: string): string {
  const format = checkIdTokenFormat(type, idToken)
  if (!format.ok) throw new AppError('invalid_input', `${type} ${JSON.stringify(idToken)}: ${format.reason}`)
  return format.idToken
}

/** ID tokens: the transaction service asks for idTokenInfo, the operator API manages them. */
export function serveIdTokenRpc(deps: Deps): Subscription[] {
  const opts = { queue: 'auth', logger: deps.logger }
  const policyOf = async (stationId: string) => {
    const own = await deps.stations.acceptUnknown(stationId)
    return {
      stationId,
      acceptUnknownIdTokens: own,
      effectiveAcceptUnknownIdTokens: own ?? deps.acceptUnknownDefault,
    }
  }
  return [
    serveRpc(deps.nc, authorizeIdTokenRpc, (req) => deps.authorizer.authorize(req), opts),
    serveRpc(
      deps.nc,
      upsertIdTokenRpc,
      async (req) => {
        const idToken = normalized(req.idToken, req.type)
        const group = req.groupIdToken
        const groupIdToken = group ? { ...group, idToken: normalized(group.idToken, group.type) } : group
        const upserted = await deps.tokens.upsert({
          ...req,
          idToken,
          ...(groupIdToken === undefined ? {} : { groupIdToken }),
        })
        const { created, stations } = upserted
        // After the commit, never inside it: the stations hear of the change in the background.
        for (const s of stations) deps.sync.schedule(s)
        const [token] = await deps.tokens.views(upserted.idToken, req.type)
        if (!token) throw new AppError('internal', 'token vanished after upsert')
        return { token, created }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      getIdTokenRpc,
      async (req) => {
        const found = await Promise.all(
          lookups(req.idToken, req.type).map((l) => deps.tokens.views(l.idToken, l.type)),
        )
        const unique = new Map(found.flat().map((t) => [`${t.type}\u0000${t.idToken}`, t]))
        return { tokens: [...unique.values()].sort((a, b) => a.type.localeCompare(b.type)) }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      listIdTokensRpc,
      async (req) => {
        const page = await deps.tokens.list(req.limit + 1, req.after ? parseCursor(req.after) : undefined)
        const tokens = page.slice(0, req.limit)
        const last = tokens.at(-1)
        return { tokens, next: page.length > req.limit && last ? cursorOf(last) : null }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      deleteIdTokenRpc,
      async (req) => {
        let deleted = 0
        const stations = new Set<string>()
        for (const l of lookups(req.idToken, req.type)) {
          const removed = await deps.tokens.remove(l.idToken, l.type)
          deleted += removed.deleted
          for (const s of removed.stations) stations.add(s)
        }
        for (const s of stations) deps.sync.schedule(s)
        return { deleted }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      setStationAuthPolicyRpc,
      async (req) => {
        await deps.stations.setAcceptUnknown(req.stationId, req.acceptUnknownIdTokens)
        return policyOf(req.stationId)
      },
      opts,
    ),
    serveRpc(deps.nc, getStationAuthPolicyRpc, ({ stationId }) => policyOf(stationId), opts),
  ]
}

type Lookup = { idToken: string; type?: string | undefined }

/**
 * The stored tokens an operator's idToken may name (the repository compares values
 * case-insensitively): the value in its type's stored shape; without a type, the value as typed
 * in any type and, when it reads as a printed eMAID, that eMAID without separators. A malformed
 * value is looked up as it is (nothing is found) rather than refusing the question.
 */
function lookups(idToken: string, type: string | undefined): Lookup[] {
  if (type !== undefined) {
    const format = checkIdTokenFormat(type, idToken)
    return [{ idToken: format.ok ? format.idToken : idToken, type }]
  }
  const emaid = checkIdTokenFormat('eMAID', idToken)
  const printed = emaid.ok && emaid.idToken.toLowerCase() !== idToken.toLowerCase()
  return [{ idToken }, ...(printed ? [{ idToken: emaid.idToken, type: 'eMAID' }] : [])]
}
