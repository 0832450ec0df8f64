import type { Kysely } from 'kysely'
import type { AuthDb } from './tables.js'

export type StationAuthRepo = ReturnType<typeof createStationAuthRepo>

/**
 * Per-station facts auth keeps: the free-vend policy and the protocol of the last connection
 * (written in batches by `station-connections-repo.ts`).
 */
export function createStationAuthRepo(db: Kysely<AuthDb>) {
  return {
    async acceptUnknown(stationId: string): Promise<boolean | null> {
      const row = await db
        .selectFrom('station_auth')
        .select('accept_unknown_id_tokens')
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return row?.accept_unknown_id_tokens ?? null
    },

    async setAcceptUnknown(stationId: string, accept: boolean | null): Promise<void> {
      const set = { accept_unknown_id_tokens: accept, updated_at: new Date() }
      await db
        .insertInto('station_auth')
        .values({ station_id: stationId, ...set })
        .onConflict((oc) => oc.column('station_id').doUpdateSet(set))
        .execute()
    },

    async protocol(stationId: string): Promise<string | null> {
      const row = await db
        .selectFrom('station_auth')
        .select('protocol')
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return row?.protocol ?? null
    },
  }
}
