import { AppError, getLocalListRpc, putLocalListRpc, serveRpc, syncLocalListRpc } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { Kysely } from 'kysely'
import type { LocalListSync } from '../local-list/local-list-sync.js'
import type { IdTokenRepo } from '../repo/id-token-repo.js'
import type { LocalListRepo } from '../repo/local-list-repo.js'
import type { AuthDb } from '../repo/tables.js'

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
        const known = await deps.tokens.findMany(idTokens)
        if (known.length < new Set(idTokens.map((t) => `${t.type}\u0000${t.idToken}`)).size) {
          const have = new Set(known.map((t) => `${t.type}\u0000${t.idToken}`))
          const missing = idTokens.filter((t) => !have.has(`${t.type}\u0000${t.idToken}`)).slice(0, 5)
          throw new AppError('invalid_input', 'unknown idTokens: store them first', { details: { missing } })
        }
        const changed = await deps.db
          .transaction()
          .execute((trx) => deps.lists.replaceList(trx, stationId, idTokens))
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
