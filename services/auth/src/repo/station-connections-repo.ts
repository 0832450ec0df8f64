import { type Kysely, sql } from 'kysely'
import type { AuthDb } from './tables.js'

export type ConnectionRecord = { stationId: string; protocol: string; at: Date }
export type StationConnectionsRepo = ReturnType<typeof createStationConnectionsRepo>

/**
 * The station.connected consumer's queries for a whole batch of facts: one upsert and one
 * lookup per batch, where an upsert per fact and a local-list state query per station cost
 * two queries per station.
 */
export function createStationConnectionsRepo(db: Kysely<AuthDb>) {
  return {
    /** Per station the newest fact wins, in the batch and against the stored one. */
    async recordConnections(facts: readonly ConnectionRecord[]): Promise<void> {
      if (facts.length === 0) return
      const newest = new Map<string, ConnectionRecord>()
      for (const f of facts) {
        const kept = newest.get(f.stationId)
        if (!kept || kept.at.getTime() <= f.at.getTime()) newest.set(f.stationId, f)
      }
      const now = new Date()
      await db
        .insertInto('station_auth')
        .values(
          // Sorted: concurrent statements lock rows in one order and cannot deadlock.
          [...newest.keys()]
            .sort()
            .map((id) => newest.get(id) as ConnectionRecord)
            .map((f) => ({
              station_id: f.stationId,
              protocol: f.protocol,
              connected_at: f.at,
              updated_at: now,
            })),
        )
        .onConflict((oc) =>
          oc
            .column('station_id')
            .doUpdateSet((eb) => ({
              protocol: eb.ref('excluded.protocol'),
              connected_at: eb.ref('excluded.connected_at'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where((eb) =>
              eb.or([
                eb('station_auth.connected_at', 'is', null),
                eb('station_auth.connected_at', '<=', eb.ref('excluded.connected_at')),
              ]),
            ),
        )
        .execute()
    },

    /** Which of these stations have a local list (the others have nothing to reconcile). */
    async withLocalLists(stationIds: readonly string[]): Promise<Set<string>> {
      if (stationIds.length === 0) return new Set()
      const rows = await db
        .selectFrom('local_lists')
        .select('station_id')
        .where(sql<boolean>`station_id = any(${[...new Set(stationIds)]}::text[])`)
        .execute()
      return new Set(rows.map((r) => r.station_id))
    },
  }
}
