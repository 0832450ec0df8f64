import { type Kysely, sql } from 'kysely'
import type { SmartChargingDb } from './tables.js'

// EVSEs with an active transaction, as smart charging knows them: from the transaction
// service's facts, the EV's needs, and what the balancer allocated and the station accepted.

export type DeadlineRecord = {
  requestedWh: number
  baselineWh: number
  departureAt: string
  feasible: boolean
}
export type ElectricalRecord = {
  current: 'AC' | 'DC'
  phases: 1 | 2 | 3
  voltage: number
  maxW: number
  minW: number
}

export type SessionRecord = {
  stationId: string
  evseId: number
  transactionId: string
  siteId: string | null
  nodeId: string | null
  idToken: string | null
  groupIdToken: string | null
  startedAt: Date
  chargingState: string | null
  energyWh: number
  measuredW: number | null
  measuredAt: Date | null
  deadline: DeadlineRecord | null
  boundW: number | null
  profileState: string
  appliedW: number | null
  appliedA: number | null
  allocatedW: number | null
  allocatedA: number | null
  allocationReason: string | null
  priority: number | null
  electrical: ElectricalRecord | null
}

export type AllocationRow = {
  stationId: string
  evseId: number
  transactionId: string
  nodeId: string
  boundW: number
  profileState: string
  appliedW: number | null
  appliedA: number | null
  allocatedW: number | null
  allocatedA: number | null
  reason: string | null
  priority: number
  electrical: ElectricalRecord
  deadline: DeadlineRecord | null
}

export type SessionRepo = ReturnType<typeof createSessionRepo>

type Row = {
  station_id: string
  evse_id: number
  transaction_id: string
  site_id: string | null
  node_id: string | null
  id_token: string | null
  group_id_token: string | null
  started_at: Date
  charging_state: string | null
  energy_wh: number
  measured_w: number | null
  measured_at: Date | null
  deadline: unknown
  bound_w: number | null
  profile_state: string
  applied_w: number | null
  applied_a: number | null
  allocated_w: number | null
  allocated_a: number | null
  allocation_reason: string | null
  priority: number | null
  electrical: unknown
}

function toRecord(r: Row): SessionRecord {
  return {
    stationId: r.station_id,
    evseId: r.evse_id,
    transactionId: r.transaction_id,
    siteId: r.site_id,
    nodeId: r.node_id,
    idToken: r.id_token,
    groupIdToken: r.group_id_token,
    startedAt: r.started_at,
    chargingState: r.charging_state,
    energyWh: r.energy_wh,
    measuredW: r.measured_w,
    measuredAt: r.measured_at,
    deadline: (r.deadline as DeadlineRecord | null) ?? null,
    boundW: r.bound_w,
    profileState: r.profile_state,
    appliedW: r.applied_w,
    appliedA: r.applied_a,
    allocatedW: r.allocated_w,
    allocatedA: r.allocated_a,
    allocationReason: r.allocation_reason,
    priority: r.priority,
    electrical: (r.electrical as ElectricalRecord | null) ?? null,
  }
}

export function createSessionRepo(db: Kysely<SmartChargingDb>) {
  return {
    /** A fact about a transaction: a new transaction on the EVSE replaces the previous one. */
    async upsert(
      s: Pick<
        SessionRecord,
        | 'stationId'
        | 'evseId'
        | 'transactionId'
        | 'siteId'
        | 'nodeId'
        | 'idToken'
        | 'groupIdToken'
        | 'startedAt'
        | 'chargingState'
        | 'energyWh'
        | 'measuredW'
        | 'measuredAt'
      >,
    ): Promise<SessionRecord> {
      const row = await db
        .insertInto('sessions')
        .values({
          station_id: s.stationId,
          evse_id: s.evseId,
          transaction_id: s.transactionId,
          site_id: s.siteId,
          node_id: s.nodeId,
          id_token: s.idToken,
          group_id_token: s.groupIdToken,
          started_at: s.startedAt,
          charging_state: s.chargingState,
          energy_wh: s.energyWh,
          measured_w: s.measuredW,
          measured_at: s.measuredAt,
        })
        .onConflict((oc) =>
          oc.columns(['station_id', 'evse_id']).doUpdateSet((eb) => {
            const same = sql<boolean>`sessions.transaction_id = excluded.transaction_id`
            const keep = <T>(column: string, fresh: T | null) =>
              sql<T>`case when ${same} then ${sql.ref(`sessions.${column}`)} else ${fresh} end`
            return {
              transaction_id: eb.ref('excluded.transaction_id'),
              site_id: eb.ref('excluded.site_id'),
              node_id: eb.ref('excluded.node_id'),
              id_token: sql`coalesce(excluded.id_token, case when ${same} then sessions.id_token end)`,
              group_id_token: sql`coalesce(excluded.group_id_token, case when ${same} then sessions.group_id_token end)`,
              started_at: sql`case when ${same} then least(sessions.started_at, excluded.started_at) else excluded.started_at end`,
              charging_state: sql`coalesce(excluded.charging_state, case when ${same} then sessions.charging_state end)`,
              energy_wh: sql`case when ${same} then greatest(sessions.energy_wh, excluded.energy_wh) else excluded.energy_wh end`,
              measured_w: sql`coalesce(excluded.measured_w, case when ${same} then sessions.measured_w end)`,
              measured_at: sql`coalesce(excluded.measured_at, case when ${same} then sessions.measured_at end)`,
              deadline: keep('deadline', null),
              bound_w: keep('bound_w', null),
              profile_state: sql`case when ${same} then sessions.profile_state else 'none' end`,
              applied_w: keep('applied_w', null),
              applied_a: keep('applied_a', null),
              allocated_w: keep('allocated_w', null),
              allocated_a: keep('allocated_a', null),
              allocation_reason: keep('allocation_reason', null),
              updated_at: new Date(),
            }
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow()
      return toRecord(row as Row)
    },

    /** Removes the EVSE's session if it is still this transaction (an old Ended must not remove a newer one). */
    async end(
      stationId: string,
      evseId: number | null,
      transactionId: string,
    ): Promise<SessionRecord | null> {
      let q = db
        .deleteFrom('sessions')
        .where('station_id', '=', stationId)
        .where('transaction_id', '=', transactionId)
      if (evseId !== null) q = q.where('evse_id', '=', evseId)
      const row = await q.returningAll().executeTakeFirst()
      return row ? toRecord(row as Row) : null
    },

    async measure(
      stationId: string,
      evseId: number,
      transactionId: string | null,
      watts: number,
      at: Date,
    ): Promise<void> {
      let q = db
        .updateTable('sessions')
        .set({ measured_w: watts, measured_at: at })
        .where('station_id', '=', stationId)
        .where('evse_id', '=', evseId)
        .where((eb) => eb.or([eb('measured_at', 'is', null), eb('measured_at', '<=', at)]))
      if (transactionId !== null) q = q.where('transaction_id', '=', transactionId)
      await q.execute()
    },

    async setDeadline(
      stationId: string,
      evseId: number,
      transactionId: string,
      deadline: DeadlineRecord | null,
    ): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ deadline: deadline === null ? null : JSON.stringify(deadline), updated_at: new Date() })
        .where('station_id', '=', stationId)
        .where('evse_id', '=', evseId)
        .where('transaction_id', '=', transactionId)
        .execute()
    },

    async get(stationId: string, evseId: number): Promise<SessionRecord | null> {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('station_id', '=', stationId)
        .where('evse_id', '=', evseId)
        .executeTakeFirst()
      return row ? toRecord(row as Row) : null
    },

    async listStation(stationId: string): Promise<SessionRecord[]> {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('station_id', '=', stationId)
        .orderBy('evse_id')
        .execute()
      return rows.map((r) => toRecord(r as Row))
    },

    async listSite(siteId: string): Promise<SessionRecord[]> {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('station_id')
        .orderBy('evse_id')
        .execute()
      return rows.map((r) => toRecord(r as Row))
    },

    async listBalancedSites(): Promise<string[]> {
      const rows = await db
        .selectFrom('sessions')
        .select('site_id')
        .distinct()
        .where('site_id', 'is not', null)
        .execute()
      return rows.flatMap((r) => (r.site_id === null ? [] : [r.site_id]))
    },

    async setSite(stationId: string, siteId: string | null, nodeId: string | null): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ site_id: siteId, node_id: nodeId })
        .where('station_id', '=', stationId)
        .execute()
    },

    /** The balancer's TxProfile on the EVSE was cleared: it draws up to the station's default now. */
    async forgetProfile(stationId: string, evseId: number): Promise<void> {
      await db
        .updateTable('sessions')
        .set({
          profile_state: 'none',
          bound_w: null,
          applied_w: null,
          applied_a: null,
          updated_at: new Date(),
        })
        .where('station_id', '=', stationId)
        .where('evse_id', '=', evseId)
        .execute()
    },

    /** One statement for a whole site's allocation, whatever its size. */
    async saveAllocations(rows: readonly AllocationRow[]): Promise<void> {
      if (rows.length === 0) return
      const col = <T>(f: (r: AllocationRow) => T) => rows.map(f)
      await sql`
        update sessions s set
          node_id = v.node_id, bound_w = v.bound_w, profile_state = v.profile_state, applied_w = v.applied_w, applied_a = v.applied_a,
          allocated_w = v.allocated_w, allocated_a = v.allocated_a, allocation_reason = v.reason,
          priority = v.priority, electrical = v.electrical, deadline = v.deadline, updated_at = now()
        from (
          select * from unnest(
            ${col((r) => r.stationId)}::text[], ${col((r) => r.evseId)}::int[], ${col((r) => r.transactionId)}::text[],
            ${col((r) => r.nodeId)}::text[],
            ${col((r) => r.boundW)}::float8[], ${col((r) => r.profileState)}::text[], ${col((r) => r.appliedW)}::float8[],
            ${col((r) => r.appliedA)}::float8[], ${col((r) => r.allocatedW)}::float8[], ${col((r) => r.allocatedA)}::float8[],
            ${col((r) => r.reason)}::text[], ${col((r) => r.priority)}::int[], ${col((r) => JSON.stringify(r.electrical))}::jsonb[],
            ${col((r) => (r.deadline === null ? null : JSON.stringify(r.deadline)))}::jsonb[]
          ) as v(station_id, evse_id, transaction_id, node_id, bound_w, profile_state, applied_w, applied_a, allocated_w, allocated_a, reason, priority, electrical, deadline)
        ) v
        where s.station_id = v.station_id and s.evse_id = v.evse_id and s.transaction_id = v.transaction_id
      `.execute(db)
    },

    async saveNeeds(
      stationId: string,
      evseId: number,
      version: string,
      payload: Record<string, unknown>,
      at: Date,
    ): Promise<void> {
      const values = { version, payload: JSON.stringify(payload), received_at: at }
      await db
        .insertInto('ev_needs')
        .values({ station_id: stationId, evse_id: evseId, ...values })
        .onConflict((oc) => oc.columns(['station_id', 'evse_id']).doUpdateSet(values))
        .execute()
    },

    async needs(
      stationId: string,
      evseId: number,
    ): Promise<{ version: string; payload: Record<string, unknown>; receivedAt: Date } | null> {
      const r = await db
        .selectFrom('ev_needs')
        .selectAll()
        .where('station_id', '=', stationId)
        .where('evse_id', '=', evseId)
        .executeTakeFirst()
      return r ? { version: r.version, payload: r.payload, receivedAt: r.received_at } : null
    },

    async saveEvSchedule(
      stationId: string,
      evseId: number,
      payload: Record<string, unknown>,
      status: string,
    ): Promise<void> {
      const values = { payload: JSON.stringify(payload), status, received_at: new Date() }
      await db
        .insertInto('ev_schedules')
        .values({ station_id: stationId, evse_id: evseId, ...values })
        .onConflict((oc) => oc.columns(['station_id', 'evse_id']).doUpdateSet(values))
        .execute()
    },
  }
}
