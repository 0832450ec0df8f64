import type { IdTokenRef } from '@csms/bus'
import { type Kysely, sql } from 'kysely'
import { SCHEMA } from '../migrations/index.js'
import type { AuthDb } from './tables.js'

export type LocalListRepo = ReturnType<typeof createLocalListRepo>

export type LocalListState = {
  syncedVersion: number
  lastSyncAt: Date | null
  lastSyncStatus: string | null
}

/** An entry to send: `removed` ones go without idTokenInfo, which removes them on the station. */
export type LocalListItem = { ref: IdTokenRef; removed: boolean }
export type LocalListBatch = { items: LocalListItem[]; maxSeq: string }

const nextSeq = () => sql<string>`nextval(${`${SCHEMA}.local_list_change_seq`}::regclass)`
const keyOf = (r: IdTokenRef) => `${r.type}\u0000${r.idToken}`
// PostgreSQL takes at most 65535 parameters per statement: long lists go in slices.
const SLICE = 5_000
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += SLICE) out.push(items.slice(i, i + SLICE))
  return out
}

/**
 * Membership of tokens in each station's local list, with the changes not yet confirmed by the
 * station. The write functions take the caller's transaction, so a token change and the list
 * entries it dirties commit together.
 */
export function createLocalListRepo(db: Kysely<AuthDb>) {
  async function ensureLists(trx: Kysely<AuthDb>, stationIds: string[]) {
    if (stationIds.length === 0) return
    await trx
      .insertInto('local_lists')
      .values(stationIds.map((station_id) => ({ station_id })))
      .onConflict((oc) => oc.column('station_id').doNothing())
      .execute()
  }

  async function addEntries(trx: Kysely<AuthDb>, rows: Array<{ stationId: string; ref: IdTokenRef }>) {
    const out: string[] = []
    for (const part of chunks(rows)) out.push(...(await addChunk(trx, part)))
    return out
  }

  async function addChunk(trx: Kysely<AuthDb>, rows: Array<{ stationId: string; ref: IdTokenRef }>) {
    const changed = await trx
      .insertInto('local_list_entries')
      .values(
        rows.map((r) => ({
          station_id: r.stationId,
          id_token: r.ref.idToken,
          type: r.ref.type,
          change_seq: nextSeq(),
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['station_id', 'id_token', 'type'])
          .doUpdateSet({ removed: false, pending: true, change_seq: nextSeq() })
          // Already present and not removed: nothing changes for this station.
          .where('local_list_entries.removed', '=', true),
      )
      .returning('station_id')
      .execute()
    return changed.map((r) => r.station_id)
  }

  return {
    /** Sets which stations carry one token; returns the stations whose list changed. */
    async setStationsOfToken(trx: Kysely<AuthDb>, ref: IdTokenRef, stationIds: string[]): Promise<string[]> {
      const wanted = [...new Set(stationIds)]
      await ensureLists(trx, wanted)
      let drop = trx
        .updateTable('local_list_entries')
        .set({ removed: true, pending: true, change_seq: nextSeq() })
        .where('id_token', '=', ref.idToken)
        .where('type', '=', ref.type)
        .where('removed', '=', false)
      if (wanted.length > 0) drop = drop.where('station_id', 'not in', wanted)
      const dropped = await drop.returning('station_id').execute()
      const added = await addEntries(
        trx,
        wanted.map((stationId) => ({ stationId, ref })),
      )
      return [...new Set([...dropped.map((r) => r.station_id), ...added])]
    },

    /** Replaces a station's whole list; returns whether anything changed. */
    async replaceList(trx: Kysely<AuthDb>, stationId: string, refs: IdTokenRef[]): Promise<boolean> {
      await ensureLists(trx, [stationId])
      const current = await trx
        .selectFrom('local_list_entries')
        .select(['id_token', 'type'])
        .where('station_id', '=', stationId)
        .where('removed', '=', false)
        .execute()
      const wanted = new Map(refs.map((r) => [keyOf(r), r]))
      const gone = current.filter((c) => !wanted.has(keyOf({ idToken: c.id_token, type: c.type })))
      for (const part of chunks(gone)) {
        await trx
          .updateTable('local_list_entries')
          .set({ removed: true, pending: true, change_seq: nextSeq() })
          .where('station_id', '=', stationId)
          .where((eb) =>
            eb(
              eb.refTuple('id_token', 'type'),
              'in',
              part.map((g) => eb.tuple(g.id_token, g.type)),
            ),
          )
          .execute()
      }
      const added = await addEntries(
        trx,
        [...wanted.values()].map((ref) => ({ stationId, ref })),
      )
      return gone.length > 0 || added.length > 0
    },

    /** A token (or a group it heads) changed: every list carrying it must be told. */
    async markTokenChanged(trx: Kysely<AuthDb>, ref: IdTokenRef): Promise<string[]> {
      const rows = await trx
        .updateTable('local_list_entries')
        .set({ pending: true, change_seq: nextSeq() })
        .where('removed', '=', false)
        .where((eb) =>
          eb.or([
            eb.and([eb('id_token', '=', ref.idToken), eb('type', '=', ref.type)]),
            eb.exists(
              eb
                .selectFrom('id_tokens')
                .select('id_tokens.id_token')
                .whereRef('id_tokens.id_token', '=', 'local_list_entries.id_token')
                .whereRef('id_tokens.type', '=', 'local_list_entries.type')
                // A member may name its group in another case (idTokens are case-insensitive).
                .where(sql<boolean>`lower(id_tokens.group_id_token) = lower(${ref.idToken})`)
                .where('id_tokens.group_type', '=', ref.type),
            ),
          ]),
        )
        .returning('station_id')
        .execute()
      return [...new Set(rows.map((r) => r.station_id))]
    },

    async markTokenRemoved(trx: Kysely<AuthDb>, ref: IdTokenRef): Promise<string[]> {
      const rows = await trx
        .updateTable('local_list_entries')
        .set({ removed: true, pending: true, change_seq: nextSeq() })
        .where('id_token', '=', ref.idToken)
        .where('type', '=', ref.type)
        .where('removed', '=', false)
        .returning('station_id')
        .execute()
      return [...new Set(rows.map((r) => r.station_id))]
    },

    async stationsOfTokens(refs: IdTokenRef[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>()
      if (refs.length === 0) return out
      const rows = await db
        .selectFrom('local_list_entries')
        .select(['station_id', 'id_token', 'type'])
        .where('removed', '=', false)
        .where((eb) =>
          eb(
            eb.refTuple('id_token', 'type'),
            'in',
            refs.map((r) => eb.tuple(r.idToken, r.type)),
          ),
        )
        .orderBy('station_id')
        .execute()
      for (const r of rows) {
        const key = keyOf({ idToken: r.id_token, type: r.type })
        out.set(key, [...(out.get(key) ?? []), r.station_id])
      }
      return out
    },

    async state(stationId: string): Promise<LocalListState | undefined> {
      const row = await db
        .selectFrom('local_lists')
        .select(['synced_version', 'last_sync_at', 'last_sync_status'])
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return (
        row && {
          syncedVersion: row.synced_version,
          lastSyncAt: row.last_sync_at,
          lastSyncStatus: row.last_sync_status,
        }
      )
    },

    async entries(stationId: string): Promise<IdTokenRef[]> {
      const rows = await db
        .selectFrom('local_list_entries')
        .select(['id_token', 'type'])
        .where('station_id', '=', stationId)
        .where('removed', '=', false)
        .orderBy('id_token')
        .orderBy('type')
        .execute()
      return rows.map((r) => ({ idToken: r.id_token, type: r.type }))
    },

    async pendingCount(stationId: string): Promise<number> {
      const row = await db
        .selectFrom('local_list_entries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('station_id', '=', stationId)
        .where('pending', '=', true)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /**
     * What a sync sends: every current entry (full) or only the pending ones (differential).
     * One query, so `maxSeq` covers exactly what was read.
     */
    async batch(stationId: string, mode: 'full' | 'differential'): Promise<LocalListBatch> {
      let q = db
        .selectFrom('local_list_entries')
        .select(['id_token', 'type', 'removed', 'change_seq'])
        .where('station_id', '=', stationId)
      if (mode === 'differential') q = q.where('pending', '=', true)
      const rows = await q.orderBy('change_seq').execute()
      const sent = mode === 'full' ? rows.filter((r) => !r.removed) : rows
      return {
        items: sent.map((r) => ({ ref: { idToken: r.id_token, type: r.type }, removed: r.removed })),
        maxSeq: String(rows.at(-1)?.change_seq ?? '0'),
      }
    },

    async acquireLease(stationId: string, owner: string, ms: number): Promise<boolean> {
      const row = await db
        .updateTable('local_lists')
        .set({ lease_owner: owner, lease_until: sql<Date>`now() + ${`${ms} milliseconds`}::interval` })
        .where('station_id', '=', stationId)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
        .returning('station_id')
        .executeTakeFirst()
      return row !== undefined
    },

    async releaseLease(stationId: string, owner: string): Promise<void> {
      await db
        .updateTable('local_lists')
        .set({ lease_owner: null, lease_until: null })
        .where('station_id', '=', stationId)
        .where('lease_owner', '=', owner)
        .execute()
    },

    /** The station confirmed `version`: changes up to `maxSeq` are no longer pending. */
    async markSynced(stationId: string, version: number, maxSeq: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('local_lists')
          .set({
            synced_version: version,
            last_sync_at: new Date(),
            last_sync_status: 'Accepted',
            updated_at: new Date(),
          })
          .where('station_id', '=', stationId)
          .execute()
        await trx
          .deleteFrom('local_list_entries')
          .where('station_id', '=', stationId)
          .where('removed', '=', true)
          .where('change_seq', '<=', maxSeq)
          .execute()
        await trx
          .updateTable('local_list_entries')
          .set({ pending: false })
          .where('station_id', '=', stationId)
          .where('pending', '=', true)
          .where('change_seq', '<=', maxSeq)
          .execute()
      })
    },

    async recordOutcome(stationId: string, status: string): Promise<void> {
      await db
        .updateTable('local_lists')
        .set({ last_sync_at: new Date(), last_sync_status: status, updated_at: new Date() })
        .where('station_id', '=', stationId)
        .execute()
    },
  }
}
