import type { SecurityProfile } from '@csms/bus'
import { type Kysely, sql } from 'kysely'
import type { StationCredentials } from '../domain/admission.js'
import type { AuthDb } from './tables.js'

export type CredentialsRepo = ReturnType<typeof createCredentialsRepo>

/** What changed in a station's credentials (for logs; every change means the same to a cache). */
export type CredentialsChange =
  | 'upserted'
  | 'rotation_started'
  | 'rotation_confirmed'
  | 'rotation_dropped'
  | 'removed'
export type CredentialsListener = (stationId: string, change: CredentialsChange) => void

/**
 * Every write below is one statement in its own transaction, so when it resolves the change is
 * committed: listeners (`onChange`) hear of it only then, and only when a row changed. The
 * credentials RPC turns that into the notice that makes gateways forget cached admissions,
 * whichever caller wrote (the RPC itself, the password rotation, an admission that confirms one).
 */
export function createCredentialsRepo(db: Kysely<AuthDb>) {
  const listeners: CredentialsListener[] = []
  const changed = (stationId: string, change: CredentialsChange) => {
    for (const listener of listeners) listener(stationId, change)
  }
  return {
    /** Hears every committed change of a station's credentials (see above). */
    onChange(listener: CredentialsListener): void {
      listeners.push(listener)
    },

    async find(stationId: string): Promise<StationCredentials | undefined> {
      const row = await db
        .selectFrom('station_credentials')
        .select(['security_profile', 'password_hash', 'pending_password_hash'])
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return row && credentialsOf(row)
    },

    /** Many stations in one round trip (`where station_id = any($1)`): admissions are batched. */
    async findMany(stationIds: readonly string[]): Promise<Map<string, StationCredentials>> {
      const found = new Map<string, StationCredentials>()
      if (stationIds.length === 0) return found
      const rows = await db
        .selectFrom('station_credentials')
        .select(['station_id', 'security_profile', 'password_hash', 'pending_password_hash'])
        .where(sql<boolean>`station_id = any(${[...stationIds]}::text[])`)
        .execute()
      for (const row of rows) found.set(row.station_id, credentialsOf(row))
      return found
    },

    /** An operator's direct change: a new password replaces the old one (and any rotation) at once. */
    async upsert(stationId: string, change: { securityProfile?: SecurityProfile; passwordHash?: string }) {
      const set = {
        updated_at: new Date(),
        ...(change.securityProfile === undefined ? {} : { security_profile: change.securityProfile }),
        ...(change.passwordHash === undefined
          ? {}
          : { password_hash: change.passwordHash, pending_password_hash: null, pending_since: null }),
      }
      const row = await db
        .insertInto('station_credentials')
        .values({ station_id: stationId, ...set })
        .onConflict((oc) => oc.column('station_id').doUpdateSet(set))
        .returning(['security_profile', 'password_hash'])
        .executeTakeFirstOrThrow()
      changed(stationId, 'upserted')
      return {
        securityProfile: row.security_profile as SecurityProfile,
        hasPassword: row.password_hash !== null,
      }
    },

    /** A rotation starts: the new password is valid beside the old one. */
    async setPending(stationId: string, hash: string): Promise<boolean> {
      const r = await db
        .updateTable('station_credentials')
        .set({ pending_password_hash: hash, pending_since: new Date(), updated_at: new Date() })
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      const done = Number(r.numUpdatedRows) > 0
      if (done) changed(stationId, 'rotation_started')
      return done
    },

    /** The station confirmed: the pending password becomes the only one (if still the same rotation). */
    async promotePending(stationId: string, hash: string): Promise<boolean> {
      const r = await db
        .updateTable('station_credentials')
        .set({
          password_hash: hash,
          pending_password_hash: null,
          pending_since: null,
          updated_at: new Date(),
        })
        .where('station_id', '=', stationId)
        .where('pending_password_hash', '=', hash)
        .executeTakeFirst()
      const done = Number(r.numUpdatedRows) > 0
      if (done) changed(stationId, 'rotation_confirmed')
      return done
    },

    /** The station refused: the old password stays the only one. */
    async dropPending(stationId: string, hash: string): Promise<void> {
      const r = await db
        .updateTable('station_credentials')
        .set({ pending_password_hash: null, pending_since: null, updated_at: new Date() })
        .where('station_id', '=', stationId)
        .where('pending_password_hash', '=', hash)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) > 0) changed(stationId, 'rotation_dropped')
    },

    async remove(stationId: string): Promise<boolean> {
      const r = await db
        .deleteFrom('station_credentials')
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      const done = Number(r.numDeletedRows) > 0
      if (done) changed(stationId, 'removed')
      return done
    },
  }
}

function credentialsOf(row: {
  security_profile: number
  password_hash: string | null
  pending_password_hash: string | null
}): StationCredentials {
  return {
    securityProfile: row.security_profile as SecurityProfile,
    passwordHash: row.password_hash,
    pendingPasswordHash: row.pending_password_hash,
  }
}
