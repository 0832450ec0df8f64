import type { AuthorizationStatus, IdTokenRef, IdTokenView, UpsertIdTokenRequest } from '@csms/bus'
import { type Kysely, type Selectable, sql } from 'kysely'
import type { PersonalMessage, StoredIdToken } from '../domain/authorization.js'
import { checkIdTokenFormat } from '../domain/id-token-format.js'
import type { LocalListRepo } from './local-list-repo.js'
import type { AuthDb, IdTokensTable } from './tables.js'

export type IdTokenRepo = ReturnType<typeof createIdTokenRepo>

type Row = Selectable<IdTokensTable>

// For a 1.6 idTag, which has no type: the first stored type with that value wins, in this order.
const V16_TYPE_PREFERENCE = ['ISO14443', 'ISO15693', 'Central', 'Local', 'eMAID', 'KeyCode', 'MacAddress']

function toStored(row: Row): StoredIdToken {
  return {
    idToken: row.id_token,
    type: row.type,
    status: row.status as AuthorizationStatus,
    expiresAt: row.expires_at,
    groupIdToken:
      row.group_id_token === null ? null : { idToken: row.group_id_token, type: row.group_type ?? 'Central' },
    language1: row.language1,
    language2: row.language2,
    chargingPriority: row.charging_priority,
    evseIds: row.evse_ids,
    stationIds: row.station_ids,
    personalMessage: row.personal_message as PersonalMessage | null,
  }
}

/** A changed token and the stations whose local list must hear of it. */
export type TokenChange = { stations: string[] }

// "IdToken is case insensitive" (OCPP 2.0.1/2.1; a 1.6 idTag is a CiString): every lookup
// compares lower(id_token), through the unique index id_tokens_ci. A row keeps the case it was
// stored with, and local list entries refer to it in that case.
const sameValue = (value: string) => sql<boolean>`lower(id_token) = lower(${value})`

export function createIdTokenRepo(db: Kysely<AuthDb>, lists: LocalListRepo) {
  const byRef = (ref: IdTokenRef) =>
    db.selectFrom('id_tokens').selectAll().where(sameValue(ref.idToken)).where('type', '=', ref.type)

  async function find(ref: IdTokenRef): Promise<StoredIdToken | undefined> {
    const row = await byRef(ref).executeTakeFirst()
    return row && toStored(row)
  }

  /** Many tokens at once, in slices (PostgreSQL takes at most 65535 parameters per statement). */
  async function findMany(refs: IdTokenRef[]): Promise<StoredIdToken[]> {
    const out: StoredIdToken[] = []
    for (let i = 0; i < refs.length; i += 5_000) out.push(...(await findSlice(refs.slice(i, i + 5_000))))
    return out
  }

  async function findSlice(refs: IdTokenRef[]): Promise<StoredIdToken[]> {
    if (refs.length === 0) return []
    const wanted = sql.join(refs.map((r) => sql`(lower(${r.idToken}), ${r.type})`))
    const rows = await db
      .selectFrom('id_tokens')
      .selectAll()
      .where(sql<boolean>`(lower(id_token), type) in (${wanted})`)
      .execute()
    return rows.map(toStored)
  }

  async function views(rows: Row[]): Promise<IdTokenView[]> {
    const stations = await lists.stationsOfTokens(rows.map((r) => ({ idToken: r.id_token, type: r.type })))
    return rows.map((r) => {
      const t = toStored(r)
      return {
        ...t,
        expiresAt: t.expiresAt?.toISOString() ?? null,
        localListStationIds: stations.get(`${r.type}\u0000${r.id_token}`) ?? [],
        updatedAt: r.updated_at.toISOString(),
      }
    })
  }

  return {
    find,
    findMany,

    /** The token and the group it belongs to (when stored), in one round trip each. */
    async findWithGroup(ref: IdTokenRef) {
      const token = await find(ref)
      const group = token?.groupIdToken ? await find(token.groupIdToken) : undefined
      return { token, group }
    },

    /** A 1.6 idTag: any type with that value (case-insensitive; an eMAID also without separators). */
    async findForIdTag(idTag: string): Promise<StoredIdToken | undefined> {
      const emaid = checkIdTokenFormat('eMAID', idTag)
      const values = [...new Set([idTag, ...(emaid.ok ? [emaid.idToken] : [])])]
      const rows = await db
        .selectFrom('id_tokens')
        .selectAll()
        .where(sql<boolean>`lower(id_token) in (${sql.join(values.map((v) => sql`lower(${v})`))})`)
        .execute()
      const rank = (r: Row) => {
        const i = V16_TYPE_PREFERENCE.indexOf(r.type)
        return (r.id_token === idTag ? 0 : 100) + (i === -1 ? 50 : i)
      }
      const best = rows.sort((a, b) => rank(a) - rank(b))[0]
      return best && toStored(best)
    },

    async views(idToken: string, type?: string): Promise<IdTokenView[]> {
      let q = db.selectFrom('id_tokens').selectAll().where(sameValue(idToken))
      if (type !== undefined) q = q.where('type', '=', type)
      return views(await q.orderBy('type').execute())
    },

    async list(limit: number, after?: IdTokenRef): Promise<IdTokenView[]> {
      let q = db.selectFrom('id_tokens').selectAll().orderBy('id_token').orderBy('type').limit(limit)
      if (after) {
        q = q.where((eb) => eb(eb.refTuple('id_token', 'type'), '>', eb.tuple(after.idToken, after.type)))
      }
      return views(await q.execute())
    },

    /**
     * Stores a token; its local-list entries (and its group members') become pending. A value
     * that differs only in case from a stored one updates that token, which keeps its case.
     */
    async upsert(req: UpsertIdTokenRequest): Promise<{ created: boolean; idToken: string } & TokenChange> {
      const set = {
        status: req.status,
        expires_at: req.expiresAt ? new Date(req.expiresAt) : null,
        group_id_token: req.groupIdToken?.idToken ?? null,
        group_type: req.groupIdToken?.type ?? null,
        language1: req.language1 ?? null,
        language2: req.language2 ?? null,
        charging_priority: req.chargingPriority ?? null,
        evse_ids: req.evseIds ?? null,
        station_ids: req.stationIds ?? null,
        personal_message: req.personalMessage ? JSON.stringify(req.personalMessage) : null,
        updated_at: new Date(),
      }
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('id_tokens')
          .values({ id_token: req.idToken, type: req.type, ...set })
          .onConflict((oc) => oc.expression(sql`lower(id_token), type`).doUpdateSet(set))
          .returning(['id_token', sql<boolean>`(xmax = 0)`.as('inserted')])
          .executeTakeFirstOrThrow()
        const ref = { idToken: row.id_token, type: req.type }
        const changed = await lists.markTokenChanged(trx, ref)
        const membership =
          req.localListStationIds === undefined
            ? []
            : await lists.setStationsOfToken(trx, ref, req.localListStationIds)
        return {
          created: row.inserted,
          idToken: row.id_token,
          stations: [...new Set([...changed, ...membership])],
        }
      })
    },

    async remove(idToken: string, type?: string): Promise<{ deleted: number } & TokenChange> {
      return db.transaction().execute(async (trx) => {
        let q = trx.deleteFrom('id_tokens').where(sameValue(idToken))
        if (type !== undefined) q = q.where('type', '=', type)
        const gone = await q.returning(['id_token', 'type']).execute()
        const stations = new Set<string>()
        for (const g of gone) {
          for (const s of await lists.markTokenRemoved(trx, { idToken: g.id_token, type: g.type }))
            stations.add(s)
          // Members of a removed group lose their group status in their idTokenInfo.
          for (const s of await lists.markTokenChanged(trx, { idToken: g.id_token, type: g.type }))
            stations.add(s)
        }
        return { deleted: gone.length, stations: [...stations] }
      })
    },
  }
}
