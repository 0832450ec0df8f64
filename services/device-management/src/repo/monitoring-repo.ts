import type { ComponentRef, DeviceEventView, VariableRef } from '@csms/bus'
import type { Kysely } from 'kysely'
import type { DeviceManagementDb } from './tables.js'

export type MonitorWrite = {
  id: number
  component: ComponentRef
  variable: VariableRef
  type: string
  value: number
  severity: number
  transaction: boolean
  /** CustomMonitor, PreconfiguredMonitor or HardWiredMonitor, when the message says. */
  kind?: string | undefined
}

/**
 * The kinds of monitor a station drops when its monitoring base is set (N03): FactoryDefault
 * removes the custom ones, HardWiredOnly the custom ones and disables the preconfigured ones;
 * All keeps every monitor.
 */
const DROPPED_BY_BASE: Readonly<Record<string, readonly string[]>> = {
  All: [],
  FactoryDefault: ['CustomMonitor'],
  HardWiredOnly: ['CustomMonitor', 'PreconfiguredMonitor'],
}

export type MonitoringRepo = ReturnType<typeof createMonitoringRepo>

const iso = (d: Date) => d.toISOString()

/** Monitors, NotifyEvent events and security events of each station. */
export function createMonitoringRepo(db: Kysely<DeviceManagementDb>) {
  return {
    async upsertMonitors(
      stationId: string,
      monitors: MonitorWrite[],
      source: string,
      at: Date,
    ): Promise<void> {
      const unique = new Map(monitors.map((m) => [m.id, m]))
      if (unique.size === 0) return
      await db
        .insertInto('device_monitors')
        .values(
          [...unique.values()].map((m) => ({
            station_id: stationId,
            monitor_id: m.id,
            component: JSON.stringify(m.component),
            variable: JSON.stringify(m.variable),
            type: m.type,
            value: m.value,
            severity: m.severity,
            transaction: m.transaction,
            source,
            kind: m.kind ?? null,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['station_id', 'monitor_id']).doUpdateSet((eb) => ({
            component: eb.ref('excluded.component'),
            variable: eb.ref('excluded.variable'),
            type: eb.ref('excluded.type'),
            value: eb.ref('excluded.value'),
            severity: eb.ref('excluded.severity'),
            transaction: eb.ref('excluded.transaction'),
            source: eb.ref('excluded.source'),
            // A 2.0.1 report does not say what kind a monitor is: what was known stays.
            kind: eb.fn.coalesce(eb.ref('excluded.kind'), eb.ref('device_monitors.kind')),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
    },

    /** The station accepted a monitoring base: forget the monitors it dropped (N03.FR.04/05). */
    async applyMonitoringBase(stationId: string, base: string): Promise<void> {
      const dropped = DROPPED_BY_BASE[base] ?? []
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('stations').set({ monitoring_base: base }).where('id', '=', stationId).execute()
        if (dropped.length > 0)
          await trx
            .deleteFrom('device_monitors')
            .where('station_id', '=', stationId)
            .where('kind', 'in', dropped)
            .execute()
      })
    },

    async deleteMonitors(stationId: string, ids: number[]): Promise<void> {
      if (ids.length === 0) return
      await db
        .deleteFrom('device_monitors')
        .where('station_id', '=', stationId)
        .where('monitor_id', 'in', ids)
        .execute()
    },

    async setMonitoringLevel(stationId: string, level: number): Promise<void> {
      await db.updateTable('stations').set({ monitoring_level: level }).where('id', '=', stationId).execute()
    },

    async listMonitors(stationId: string) {
      const [rows, station] = await Promise.all([
        db
          .selectFrom('device_monitors')
          .selectAll()
          .where('station_id', '=', stationId)
          .orderBy('monitor_id')
          .execute(),
        db
          .selectFrom('stations')
          .select(['monitoring_base', 'monitoring_level'])
          .where('id', '=', stationId)
          .executeTakeFirst(),
      ])
      return {
        monitors: rows.map((m) => ({
          id: m.monitor_id,
          component: m.component as ComponentRef,
          variable: m.variable as VariableRef,
          type: m.type,
          value: m.value,
          severity: m.severity,
          transaction: m.transaction,
          source: m.source,
          updatedAt: iso(m.updated_at),
        })),
        monitoringBase: station?.monitoring_base ?? null,
        monitoringLevel: station?.monitoring_level ?? null,
      }
    },

    /** Stores events; returns those not stored before (a retried NotifyEvent adds nothing). */
    async insertEvents(stationId: string, events: DeviceEventView[]): Promise<DeviceEventView[]> {
      if (events.length === 0) return []
      const rows = await db
        .insertInto('device_events')
        .values(
          events.map((e) => ({
            station_id: stationId,
            event_id: e.eventId,
            timestamp: e.timestamp,
            trigger: e.trigger,
            cause: e.cause,
            actual_value: e.actualValue,
            tech_code: e.techCode,
            tech_info: e.techInfo,
            cleared: e.cleared,
            transaction_id: e.transactionId,
            variable_monitoring_id: e.variableMonitoringId,
            event_notification_type: e.eventNotificationType,
            severity: e.severity,
            component: JSON.stringify(e.component),
            variable: JSON.stringify(e.variable),
            received_at: e.receivedAt,
          })),
        )
        .onConflict((oc) => oc.constraint('device_events_identity').doNothing())
        .returning(['event_id', 'timestamp'])
        .execute()
      const fresh = new Set(rows.map((r) => `${r.event_id}/${iso(r.timestamp)}`))
      return events.filter((e) => fresh.has(`${e.eventId}/${iso(new Date(e.timestamp))}`))
    },

    async listEvents(stationId: string, limit: number, after?: string) {
      let q = db
        .selectFrom('device_events')
        .selectAll()
        .where('station_id', '=', stationId)
        .orderBy('id', 'desc')
        .limit(limit + 1)
      if (after !== undefined) q = q.where('id', '<', after)
      const rows = await q.execute()
      const pageRows = rows.slice(0, limit)
      return {
        events: pageRows.map(
          (e): DeviceEventView => ({
            eventId: e.event_id,
            timestamp: iso(e.timestamp),
            trigger: e.trigger,
            cause: e.cause,
            actualValue: e.actual_value,
            techCode: e.tech_code,
            techInfo: e.tech_info,
            cleared: e.cleared,
            transactionId: e.transaction_id,
            variableMonitoringId: e.variable_monitoring_id,
            eventNotificationType: e.event_notification_type,
            severity: e.severity,
            component: e.component as ComponentRef,
            variable: e.variable as VariableRef,
            receivedAt: iso(e.received_at),
          }),
        ),
        next: rows.length > limit ? (pageRows.at(-1)?.id ?? null) : null,
      }
    },

    /** Stores a security event; false when it was stored before (a retry). */
    async insertSecurityEvent(
      stationId: string,
      e: { type: string; timestamp: string; techInfo: string | null; receivedAt: Date },
    ): Promise<boolean> {
      const row = await db
        .insertInto('security_events')
        .values({
          station_id: stationId,
          type: e.type,
          timestamp: e.timestamp,
          tech_info: e.techInfo,
          received_at: e.receivedAt,
        })
        .onConflict((oc) => oc.constraint('security_events_identity').doNothing())
        .returning('id')
        .executeTakeFirst()
      return row !== undefined
    },

    async listSecurityEvents(stationId: string, limit: number, after?: string) {
      let q = db
        .selectFrom('security_events')
        .selectAll()
        .where('station_id', '=', stationId)
        .orderBy('id', 'desc')
        .limit(limit + 1)
      if (after !== undefined) q = q.where('id', '<', after)
      const rows = await q.execute()
      const pageRows = rows.slice(0, limit)
      return {
        events: pageRows.map((e) => ({
          type: e.type,
          timestamp: iso(e.timestamp),
          techInfo: e.tech_info,
          receivedAt: iso(e.received_at),
        })),
        next: rows.length > limit ? (pageRows.at(-1)?.id ?? null) : null,
      }
    },
  }
}
