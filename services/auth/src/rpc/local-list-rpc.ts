import {
  AppError,
  getLocalListRpc,
  type IdTokenRef,
  putLocalListRpc,
  serveRpc,
  syncLocalListRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { Kysely } from 'kysely'
import { checkIdTokenFormat } from '../domain/id-token-format.js'
import type { LocalListSync } from '../local-list/local-list-sync.js'
import type { IdTokenRepo } from '../repo/id-token-repo.js'
import type { LocalListRepo } from '../repo/local-list-repo.js'
import type { AuthDb } from '../repo/tables.js'

/** A token as the operator names it, in its stored shape (hex and eMAIDs normalized). */
function normalized(t: IdTokenRef): string {
  const format = checkIdTokenFormat(t.type, t.idToken)
  return format.ok ? format.idToken : t.idToken
}

/** Local authorization lists as the operator sees them: contents, version, and a manual sync. */
export function serveLocalListRpc(deps: {
  nc: NatsConnection
  db: Kysely<AuthDb>
  lists: LocalListRepo
  tokens: IdTokenRepo
  sync: LocalListSync
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'auth', logger: deps.logger }
  const view = async (stationId: string) => {
    const state = await deps.lists.state(stationId)
    if (!state) return null
    return {
      stationId,
      version: state.syncedVersion,
      idTokens: await deps.lists.entries(stationId),
      pendingChanges: await deps.lists.pendingCount(stationId),
      lastSyncAt: state.lastSyncAt?.toISOString() ?? null,
      lastSyncStatus: state.lastSyncStatus,
    }
  }
  return [
    serveRpc(deps.nc, getLocalListRpc, async ({ stationId }) => ({ list: await view(stationId) }), opts),
    serveRpc(
      deps.nc,
      putLocalListRpc,
      async ({ stationId, idTokens }) => {
        // Matched case-insensitively (eMAIDs without separators); the list names the stored tokens.
        const keyOf = (t: IdTokenRef) => `${t.type}\u0000${normalized(t).toLowerCase()}`
        const known = await deps.tokens.findMany(idTokens.map((t) => ({ ...t, idToken: normalized(t) })))
        const stored = new Map(known.map((t) => [keyOf(t), { idToken: t.idToken, type: t.type }]))
        const missing = idTokens.filter((t) => !stored.has(keyOf(t))).slice(0, 5)
        if (missing.length > 0) {
          throw new AppError('invalid_input', 'unknown idTokens: store them first', { details: { missing } })
        }
        const refs = [...new Set(idTokens.map(keyOf))].map((k) => stored.get(k) as IdTokenRef)
        const changed = await deps.db
          .transaction()
          .execute((trx) => deps.lists.replaceList(trx, stationId, refs))
        if (changed) deps.sync.schedule(stationId)
        const list = await view(stationId)
        if (!list) throw new AppError('internal', 'local list vanished')
        return { list }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      syncLocalListRpc,
      ({ stationId, full }) => deps.sync.sync(stationId, { reconcile: true, ...(full ? { full } : {}) }),
      opts,
    ),
  ]
}
