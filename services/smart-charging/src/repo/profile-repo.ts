import type { Kysely } from 'kysely'
import type { InstalledProfile, ProfileLike, ScheduleLike } from '../domain/charging-profile.js'
import type { SmartChargingDb } from './tables.js'

// Charging profiles as the CSMS sent them and the stations answered, what stations reported,
// their external limits, composite-schedule checks, and the TxDefaultProfile of each station.

export type ProfileRecord = {
  stationId: string
  profileId: number
  evseId: number
  purpose: string
  stackLevel: number
  transactionId: string | null
  profile: Record<string, unknown>
  version: string
  source: 'csms' | 'balancer' | 'report'
  status: string
  statusInfo: unknown
  setAt: Date
  updatedAt: Date
}

export type ExternalLimitRecord = {
  stationId: string
  evseId: number
  source: string
  isGridCritical: boolean | null
  schedules: ScheduleLike[]
  setAt: Date
  clearedAt: Date | null
}

export type ProfileRepo = ReturnType<typeof createProfileRepo>

export function createProfileRepo(db: Kysely<SmartChargingDb>) {
  return {
    async record(p: Omit<ProfileRecord, 'updatedAt'>): Promise<void> {
      const values = {
        evse_id: p.evseId,
        purpose: p.purpose,
        stack_level: p.stackLevel,
        transaction_id: p.transactionId,
        profile: JSON.stringify(p.profile),
        version: p.version,
        source: p.source,
        status: p.status,
        status_info: p.statusInfo === undefined ? null : JSON.stringify(p.statusInfo),
        set_at: p.setAt,
        updated_at: new Date(),
      }
      // K01.FR.05: only an accepted profile replaces the one with its id; a refused replacement
      // leaves the installed profile where it was.
      await db
        .insertInto('charging_profiles')
        .values({ station_id: p.stationId, profile_id: p.profileId, ...values })
        .onConflict((oc) =>
          oc
            .columns(['station_id', 'profile_id'])
            .doUpdateSet(values)
            .where((eb) =>
              eb.or([
                eb('charging_profiles.status', '!=', 'Accepted'),
                eb(eb.ref('excluded.status'), '=', 'Accepted'),
              ]),
            ),
        )
        .execute()
    },

    /** Many at once (a recomputation's accepted TxProfiles). */
    async recordMany(list: ReadonlyArray<Omit<ProfileRecord, 'updatedAt'>>): Promise<void> {
      if (list.length === 0) return
      const now = new Date()
      await db
        .insertInto('charging_profiles')
        .values(
          list.map((p) => ({
            station_id: p.stationId,
            profile_id: p.profileId,
            evse_id: p.evseId,
            purpose: p.purpose,
            stack_level: p.stackLevel,
            transaction_id: p.transactionId,
            profile: JSON.stringify(p.profile),
            version: p.version,
            source: p.source,
            status: p.status,
            status_info: p.statusInfo === undefined ? null : JSON.stringify(p.statusInfo),
            set_at: p.setAt,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['station_id', 'profile_id']).doUpdateSet((eb) => ({
            evse_id: eb.ref('excluded.evse_id'),
            purpose: eb.ref('excluded.purpose'),
            stack_level: eb.ref('excluded.stack_level'),
            transaction_id: eb.ref('excluded.transaction_id'),
            profile: eb.ref('excluded.profile'),
            version: eb.ref('excluded.version'),
            source: eb.ref('excluded.source'),
            status: eb.ref('excluded.status'),
            status_info: eb.ref('excluded.status_info'),
            set_at: eb.ref('excluded.set_at'),
            updated_at: now,
          })),
        )
        .execute()
    },

    async list(stationId: string): Promise<ProfileRecord[]> {
      const rows = await db
        .selectFrom('charging_profiles')
        .selectAll()
        .where('station_id', '=', stationId)
        .orderBy('evse_id')
        .orderBy('profile_id')
        .execute()
      return rows.map((r) => ({
        stationId: r.station_id,
        profileId: r.profile_id,
        evseId: r.evse_id,
        purpose: r.purpose,
        stackLevel: r.stack_level,
        transactionId: r.transaction_id,
        profile: r.profile,
        version: r.version,
        source: r.source as ProfileRecord['source'],
        status: r.status,
        statusInfo: r.status_info,
        setAt: r.set_at,
        updatedAt: r.updated_at,
      }))
    },

    /** What the station holds as far as the CSMS knows: accepted and not cleared. */
    async installed(stationId: string): Promise<InstalledProfile[]> {
      const rows = await this.list(stationId)
      return rows
        .filter((r) => r.status === 'Accepted')
        .map((r) => ({
          evseId: r.evseId,
          profile: r.profile as unknown as ProfileLike,
          setAt: r.setAt.getTime(),
        }))
    },

    /**
     * ClearChargingProfile accepted: the matching profiles are gone (K10). A chargingProfileId
     * names its profile whatever the criteria say (an Accepted answer means it was cleared).
     */
    async markCleared(
      stationId: string,
      c: {
        chargingProfileId?: number | undefined
        evseId?: number | undefined
        purpose?: string | undefined
        stackLevel?: number | undefined
      },
    ): Promise<Array<{ profileId: number; evseId: number; purpose: string; source: string }>> {
      let q = db
        .updateTable('charging_profiles')
        .set({ status: 'Cleared', updated_at: new Date() })
        .where('station_id', '=', stationId)
        .where('status', '=', 'Accepted')
        .where('purpose', '!=', 'ChargingStationExternalConstraints')
      if (c.chargingProfileId !== undefined) q = q.where('profile_id', '=', c.chargingProfileId)
      else {
        if (c.evseId !== undefined) q = q.where('evse_id', '=', c.evseId)
        if (c.purpose !== undefined) q = q.where('purpose', '=', c.purpose)
        if (c.stackLevel !== undefined) q = q.where('stack_level', '=', c.stackLevel)
      }
      const rows = await q.returning(['profile_id', 'evse_id', 'purpose', 'source']).execute()
      return rows.map((r) => ({
        profileId: r.profile_id,
        evseId: r.evse_id,
        purpose: r.purpose,
        source: r.source,
      }))
    },

    /** A transaction ended: its TxProfiles ended with it (K01.FR.14 station side). */
    async endTransaction(stationId: string, transactionId: string): Promise<void> {
      await db
        .updateTable('charging_profiles')
        .set({ status: 'Ended', updated_at: new Date() })
        .where('station_id', '=', stationId)
        .where('transaction_id', '=', transactionId)
        .where('purpose', '=', 'TxProfile')
        .execute()
    },

    async saveReport(
      stationId: string,
      r: {
        requestId: number
        evseId: number
        chargingLimitSource: string
        profiles: ReadonlyArray<{ id: number } & Record<string, unknown>>
      },
    ): Promise<void> {
      if (r.profiles.length === 0) return
      await db
        .insertInto('reported_profiles')
        .values(
          r.profiles.map((p) => ({
            station_id: stationId,
            request_id: r.requestId,
            evse_id: r.evseId,
            profile_id: p.id,
            charging_limit_source: r.chargingLimitSource,
            profile: JSON.stringify(p),
            reported_at: new Date(),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['station_id', 'request_id', 'evse_id', 'profile_id']).doUpdateSet((eb) => ({
            profile: eb.ref('excluded.profile'),
            charging_limit_source: eb.ref('excluded.charging_limit_source'),
            reported_at: eb.ref('excluded.reported_at'),
          })),
        )
        .execute()
    },

    async reported(stationId: string, requestId?: number) {
      let q = db.selectFrom('reported_profiles').selectAll().where('station_id', '=', stationId)
      if (requestId !== undefined) q = q.where('request_id', '=', requestId)
      const rows = await q.orderBy('request_id').orderBy('evse_id').orderBy('profile_id').execute()
      return rows.map((r) => ({
        requestId: r.request_id,
        evseId: r.evse_id,
        profileId: r.profile_id,
        chargingLimitSource: r.charging_limit_source,
        profile: r.profile,
        reportedAt: r.reported_at,
      }))
    },

    async setExternalLimit(l: Omit<ExternalLimitRecord, 'clearedAt'>): Promise<void> {
      const values = {
        is_grid_critical: l.isGridCritical,
        schedules: JSON.stringify(l.schedules),
        set_at: l.setAt,
        cleared_at: null,
      }
      await db
        .insertInto('external_limits')
        .values({ station_id: l.stationId, evse_id: l.evseId, source: l.source, ...values })
        .onConflict((oc) => oc.columns(['station_id', 'evse_id', 'source']).doUpdateSet(values))
        .execute()
    },

    /** K13: a released limit; without an EVSE, the station's limits of that source all go. */
    async clearExternalLimit(
      stationId: string,
      source: string,
      evseId: number | undefined,
      at: Date,
    ): Promise<number> {
      let q = db
        .updateTable('external_limits')
        .set({ cleared_at: at })
        .where('station_id', '=', stationId)
        .where('source', '=', source)
        .where('cleared_at', 'is', null)
      if (evseId !== undefined) q = q.where('evse_id', '=', evseId)
      const r = await q.executeTakeFirst()
      return Number(r.numUpdatedRows)
    },

    async externalLimits(stationId: string, activeOnly = true): Promise<ExternalLimitRecord[]> {
      let q = db.selectFrom('external_limits').selectAll().where('station_id', '=', stationId)
      if (activeOnly) q = q.where('cleared_at', 'is', null)
      const rows = await q.orderBy('evse_id').orderBy('source').execute()
      return rows.map((r) => ({
        stationId: r.station_id,
        evseId: r.evse_id,
        source: r.source,
        isGridCritical: r.is_grid_critical,
        schedules: r.schedules as ScheduleLike[],
        setAt: r.set_at,
        clearedAt: r.cleared_at,
      }))
    },

    async saveCompositeCheck(
      stationId: string,
      evseId: number,
      matches: boolean,
      payload: Record<string, unknown>,
    ): Promise<void> {
      await db
        .insertInto('composite_checks')
        .values({
          station_id: stationId,
          evse_id: evseId,
          checked_at: new Date(),
          matches,
          payload: JSON.stringify(payload),
        })
        .execute()
    },

    async stationDefault(stationId: string) {
      const r = await db
        .selectFrom('station_defaults')
        .selectAll()
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      return r ? { limit: r.limit, status: r.status, updatedAt: r.updated_at } : null
    },

    /** The station no longer holds the balancer's TxDefaultProfile (an operator cleared it). */
    async forgetStationDefault(stationId: string): Promise<void> {
      await db
        .updateTable('station_defaults')
        .set({ status: 'Cleared', updated_at: new Date() })
        .where('station_id', '=', stationId)
        .execute()
    },

    async setStationDefault(
      stationId: string,
      limit: { unit: 'A' | 'W'; limit: number },
      status: string,
    ): Promise<void> {
      const values = { limit: JSON.stringify(limit), status, updated_at: new Date() }
      await db
        .insertInto('station_defaults')
        .values({ station_id: stationId, ...values })
        .onConflict((oc) => oc.column('station_id').doUpdateSet(values))
        .execute()
    },
  }
}
