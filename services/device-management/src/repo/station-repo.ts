import type { StationSelector, StationView } from '@csms/bus'
import { type Kysely, sql } from 'kysely'
import type { RegistrationStatus } from '../domain/boot-policy.js'
import type { DeviceManagementDb } from './tables.js'

export type BootInfo = {
  vendor: string
  model: string
  serialNumber: string | null
  firmwareVersion: string | null
  reason: string
  protocol: string
  registrationStatus: string
  at: Date
}

export type ConnectionFact = {
  stationId: string
  connectionId: string
  gatewayId: string
  protocol?: string
  at: Date
}

export type StationRepo = ReturnType<typeof createStationRepo>

export function createStationRepo(db: Kysely<DeviceManagementDb>) {
  return {
    async setRegistrationPolicy(stationId: string, policy: RegistrationStatus | null): Promise<void> {
      await db
        .insertInto('stations')
        .values({ id: stationId, registration_policy: policy })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ registration_policy: policy, updated_at: new Date() }),
        )
        .execute()
    },

    /** Registered stations matching every criterion of a campaign's selector. */
    async select(selector: StationSelector): Promise<string[]> {
      let q = db.selectFrom('stations').select('id').where('registered', '=', true).orderBy('id')
      // One array parameter, however many ids: a list of binds would hit PostgreSQL's 65,535.
      if (selector.stationIds) q = q.where(sql<boolean>`id = any(${selector.stationIds}::text[])`)
      if (selector.siteId !== undefined) q = q.where('site_id', '=', selector.siteId)
      if (selector.model !== undefined) q = q.where('model', '=', selector.model)
      if (selector.vendor !== undefined) q = q.where('vendor', '=', selector.vendor)
      if (selector.labels !== undefined)
        q = q.where(sql<boolean>`labels @> ${JSON.stringify(selector.labels)}::jsonb`)
      return (await q.execute()).map((r) => r.id)
    },

    /** Stations held by a gateway pod that stopped beaconing are offline. */
    async markGatewayLost(gatewayId: string, at: Date): Promise<number> {
      const result = await db
        .updateTable('stations')
        .set({ connected: false, disconnected_at: at, gateway_lost_at: at })
        .where('gateway_id', '=', gatewayId)
        .where('connected', '=', true)
        .executeTakeFirst()
      return Number(result.numUpdatedRows)
    },

    async listGatewaysWithStations(): Promise<string[]> {
      const rows = await db
        .selectFrom('stations')
        .select('gateway_id')
        .distinct()
        .where('connected', '=', true)
        .where('gateway_id', 'is not', null)
        .execute()
      return rows.flatMap((r) => (r.gateway_id === null ? [] : [r.gateway_id]))
    },

    async upsertRegistration(
      stationId: string,
      siteId: string | null | undefined,
      labels?: Record<string, string>,
    ) {
      const set: { registered: boolean; updated_at: Date; site_id?: string | null; labels?: string } = {
        registered: true,
        updated_at: new Date(),
      }
      if (siteId !== undefined) set.site_id = siteId
      if (labels !== undefined) set.labels = JSON.stringify(labels)
      await db
        .insertInto('stations')
        .values({ id: stationId, ...set })
        .onConflict((oc) => oc.column('id').doUpdateSet(set))
        .execute()
    },

    async get(stationId: string): Promise<StationView | null> {
      const [view] = await this.list({ ids: [stationId], limit: 1 })
      return view ?? null
    },

    async list(q: { ids?: string[]; after?: string; limit: number; connected?: boolean; siteId?: string }) {
      let query = db.selectFrom('stations').selectAll().orderBy('id').limit(q.limit)
      if (q.ids) query = query.where('id', 'in', q.ids)
      if (q.after !== undefined) query = query.where('id', '>', q.after)
      if (q.connected !== undefined) query = query.where('connected', '=', q.connected)
      if (q.siteId !== undefined) query = query.where('site_id', '=', q.siteId)
      const rows = await query.execute()
      if (rows.length === 0) return []
      const statuses = await db
        .selectFrom('connector_status')
        .selectAll()
        .where(
          'station_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('station_id')
        .orderBy('evse_id')
        .orderBy('connector_id')
        .execute()
      return rows.map((row): StationView => {
        const evses = new Map<number, StationView['evses'][number]>()
        for (const s of statuses) {
          if (s.station_id !== row.id) continue
          const evse = evses.get(s.evse_id) ?? { evseId: s.evse_id, connectors: [] }
          evse.connectors.push({ connectorId: s.connector_id, status: s.status, updatedAt: iso(s.status_at) })
          evses.set(s.evse_id, evse)
        }
        return {
          id: row.id,
          registered: row.registered,
          connected: row.connected,
          protocol: row.protocol,
          lastBootAt: row.last_boot_at ? iso(row.last_boot_at) : null,
          registrationStatus: row.registration_status,
          registrationPolicy: row.registration_policy as RegistrationStatus | null,
          vendor: row.vendor,
          model: row.model,
          firmwareVersion: row.firmware_version,
          serialNumber: row.serial_number,
          siteId: row.site_id,
          labels: row.labels,
          lastSeenAt: row.last_seen_at ? iso(row.last_seen_at) : null,
          evses: [...evses.values()],
        }
      })
    },
  }
}

function iso(d: Date): string {
  return d.toISOString()
}
