import { type Kysely, sql } from 'kysely'
import type { Registration, RegistrationStatus } from '../domain/boot-policy.js'
import type { BootInfo, ConnectionFact } from './station-repo.js'
import type { DeviceManagementDb } from './tables.js'

export type StatusWrite = {
  stationId: string
  evseId: number
  connectorId: number
  status: string
  /** The station's timestamp of the status. */
  at: Date
  /** When the message reached device-management. */
  seenAt?: Date
}
export type StationWrites = ReturnType<typeof createStationWrites>

/**
 * Keeps the last item per key (a multi-row upsert may not touch one row twice; `newer(kept,
 * next)` keeps `kept` when it is newer), sorted by key: concurrent statements then lock rows in
 * one order and cannot deadlock one another.
 */
function lastBy<T>(items: readonly T[], key: (t: T) => string, newer?: (a: T, b: T) => boolean): T[] {
  const byKey = new Map<string, T>()
  for (const t of items) {
    const k = key(t)
    const prev = byKey.get(k)
    if (prev === undefined || newer === undefined || !newer(prev, t)) byKey.set(k, t)
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as T)
}

/**
 * A message that reached device-management after its station was marked offline only because
 * its gateway pod fell silent proves the socket alive (the pod was cut off from NATS, not
 * dead): online again. `last_seen_at` is when the message arrived, so one that was sent
 * before the pod died and waited in a group commit revives nothing. A station whose socket
 * closed stays offline until the gateway reports a new one.
 */
const aliveAgain = {
  connected: sql<boolean>`stations.connected or coalesce(stations.gateway_lost_at < excluded.last_seen_at, false)`,
  gateway_lost_at: sql<Date | null>`case when stations.gateway_lost_at < excluded.last_seen_at then null else stations.gateway_lost_at end`,
}

/**
 * The per-connection and per-boot writes as one statement for many stations (group commit
 * feeds them). Each has the semantics of its one-station counterpart in station-repo.ts,
 * applied as if the items had arrived one by one.
 */
export function createStationWrites(db: Kysely<DeviceManagementDb>) {
  return {
    async registrationsOf(stationIds: readonly string[]): Promise<Map<string, Registration>> {
      const rows = await db
        .selectFrom('stations')
        .select(['id', 'registered', 'registration_policy'])
        .where(sql<boolean>`id = any(${[...new Set(stationIds)]}::text[])`)
        .execute()
      return new Map(
        rows.map((r) => [
          r.id,
          { registered: r.registered, policy: (r.registration_policy as RegistrationStatus | null) ?? null },
        ]),
      )
    },

    /** The later boot of a station wins when one batch holds two. */
    async recordBoots(boots: readonly { stationId: string; boot: BootInfo }[]): Promise<void> {
      if (boots.length === 0) return
      const rows = lastBy(boots, (b) => b.stationId).map(({ stationId, boot }) => ({
        id: stationId,
        vendor: boot.vendor,
        model: boot.model,
        serial_number: boot.serialNumber,
        firmware_version: boot.firmwareVersion,
        boot_reason: boot.reason,
        registration_status: boot.registrationStatus,
        protocol: boot.protocol,
        last_boot_at: boot.at,
        last_seen_at: boot.at,
        updated_at: boot.at,
      }))
      await db
        .insertInto('stations')
        .values(rows)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            vendor: eb.ref('excluded.vendor'),
            model: eb.ref('excluded.model'),
            serial_number: eb.ref('excluded.serial_number'),
            firmware_version: eb.ref('excluded.firmware_version'),
            boot_reason: eb.ref('excluded.boot_reason'),
            registration_status: eb.ref('excluded.registration_status'),
            protocol: eb.ref('excluded.protocol'),
            last_boot_at: eb.ref('excluded.last_boot_at'),
            last_seen_at: eb.ref('excluded.last_seen_at'),
            updated_at: eb.ref('excluded.updated_at'),
            ...aliveAgain,
          })),
        )
        .execute()
    },

    async touchMany(touches: readonly { stationId: string; at: Date }[]): Promise<void> {
      if (touches.length === 0) return
      const rows = lastBy(touches, (t) => t.stationId).map((t) => ({ id: t.stationId, last_seen_at: t.at }))
      await db
        .insertInto('stations')
        .values(rows)
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at'), ...aliveAgain })),
        )
        .execute()
    },

    /** Per connector the newest status wins, in the batch and against the stored one. */
    async recordStatuses(statuses: readonly StatusWrite[]): Promise<void> {
      if (statuses.length === 0) return
      const now = new Date()
      await this.touchMany(statuses.map((s) => ({ stationId: s.stationId, at: s.seenAt ?? now })))
      const rows = lastBy(
        statuses,
        (s) => `${s.stationId}\u0000${s.evseId}\u0000${s.connectorId}`,
        (kept, next) => kept.at.getTime() > next.at.getTime(),
      ).map((s) => ({
        station_id: s.stationId,
        evse_id: s.evseId,
        connector_id: s.connectorId,
        status: s.status,
        status_at: s.at,
      }))
      await db
        .insertInto('connector_status')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['station_id', 'evse_id', 'connector_id'])
            .doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              status_at: eb.ref('excluded.status_at'),
              updated_at: now,
            }))
            .where('connector_status.status_at', '<=', (eb) => eb.ref('excluded.status_at')),
        )
        .execute()
    },

    /**
     * Connected facts, then disconnected ones (a socket connects before it disconnects): a
     * late "connected" of an older socket never overrides a newer one, and only the current
     * socket may mark its station offline.
     */
    async applyConnections(facts: {
      connected: readonly ConnectionFact[]
      disconnected: readonly ConnectionFact[]
    }): Promise<void> {
      if (facts.connected.length > 0) {
        const rows = lastBy(
          facts.connected,
          (f) => f.stationId,
          (kept, next) => kept.at.getTime() > next.at.getTime(),
        ).map((f) => ({
          id: f.stationId,
          connected: true,
          connection_id: f.connectionId,
          gateway_id: f.gatewayId,
          protocol: f.protocol ?? null,
          connected_at: f.at,
          last_seen_at: f.at,
        }))
        await db
          .insertInto('stations')
          .values(rows)
          .onConflict((oc) =>
            oc
              .column('id')
              .doUpdateSet((eb) => ({
                connected: eb.ref('excluded.connected'),
                connection_id: eb.ref('excluded.connection_id'),
                gateway_id: eb.ref('excluded.gateway_id'),
                protocol: eb.ref('excluded.protocol'),
                connected_at: eb.ref('excluded.connected_at'),
                last_seen_at: eb.ref('excluded.last_seen_at'),
                gateway_lost_at: null,
              }))
              .where((eb) =>
                eb.or([
                  eb('stations.connected_at', 'is', null),
                  eb('stations.connected_at', '<=', eb.ref('excluded.connected_at')),
                ]),
              ),
          )
          .execute()
      }
      if (facts.disconnected.length > 0) {
        const gone = lastBy(facts.disconnected, (f) => `${f.stationId}\u0000${f.connectionId}`)
        await sql`
          update ${sql.table('stations')} as s
             set connected = false, disconnected_at = v.at, gateway_lost_at = null
            from unnest(${gone.map((f) => f.stationId)}::text[],
                        ${gone.map((f) => f.connectionId)}::text[],
                        ${gone.map((f) => f.at.toISOString())}::timestamptz[]) as v(id, cid, at)
           where s.id = v.id and s.connection_id = v.cid`.execute(db)
      }
    },
  }
}
