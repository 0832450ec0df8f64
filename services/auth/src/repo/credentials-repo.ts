import type { SecurityProfile } from '@csms/bus'
import type { Kysely } from 'kysely'
import type { StationCredentials } from '../domain/admission.js'
import type { AuthDb } from './tables.js'

export type CredentialsRepo = ReturnType<typeof createCredentialsRepo>

export function createCredentialsRepo(db: Kysely<AuthDb>) {
  return {
    async find(stationId: string): Promise<StationCredentials | undefined> {
      const row = await db
        .selectFrom('station_credentials')
        .select(['security_profile', 'password_hash'])
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return (
        row && { securityProfile: row.security_profile as SecurityProfile, passwordHash: row.password_hash }
      )
    },

    async upsert(stationId: string, change: { securityProfile?: SecurityProfile; passwordHash?: string }) {
      const set = {
        updated_at: new Date(),
        ...(change.securityProfile === undefined ? {} : { security_profile: change.securityProfile }),
        ...(change.passwordHash === undefined ? {} : { password_hash: change.passwordHash }),
      }
      const row = await db
        .insertInto('station_credentials')
        .values({ station_id: stationId, ...set })
        .onConflict((oc) => oc.column('station_id').doUpdateSet(set))
        .returning(['security_profile', 'password_hash'])
        .executeTakeFirstOrThrow()
      return {
        securityProfile: row.security_profile as SecurityProfile,
        hasPassword: row.password_hash !== null,
      }
    },

    async remove(stationId: string): Promise<boolean> {
      const r = await db
        .deleteFrom('station_credentials')
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    },
  }
}
