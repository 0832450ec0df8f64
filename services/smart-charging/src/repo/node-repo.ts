import type { Kysely } from 'kysely'
import type { SmartChargingDb } from './tables.js'

// Sites (grid connections) and the groups inside them, priority rules and station placements:
// the configuration operators change through the API.

export type NodeRecord = {
  id: string
  siteId: string
  parentId: string | null
  kind: 'site' | 'group'
  name: string | null
  limitW: number | null
  limitA: number | null
  firmLimitW: number | null
  firmLimitA: number | null
  schedule: ScheduledLimitRecord[]
  timeOfUse: TimeOfUseRecord[]
  defaults: Record<string, unknown>
  txDefaultLimit: { unit: 'A' | 'W'; limit: number } | null
  updatedAt: Date
}

export type ScheduledLimitRecord = {
  limitW?: number | undefined
  limitA?: number | undefined
  from: string
  to?: string | undefined
  source?: string | undefined
}
export type TimeOfUseRecord = {
  days?: number[] | undefined
  start: string
  end: string
  limitW?: number | undefined
  limitA?: number | undefined
}

export type PriorityRuleRecord = {
  id: string
  match: 'idToken' | 'group' | 'station'
  value: string
  priority: number
  windows?: Array<{ days?: number[] | undefined; start: string; end: string }> | undefined
}

export type PlacementRecord = {
  stationId: string
  nodeId: string | null
  current: 'AC' | 'DC' | null
  phases: 1 | 2 | 3 | null
  voltage: number | null
  maxCurrentA: number | null
  maxPowerW: number | null
}

export type NodeRepo = ReturnType<typeof createNodeRepo>

function toRecord(r: {
  id: string
  site_id: string
  parent_id: string | null
  kind: 'site' | 'group'
  name: string | null
  limit_w: number | null
  limit_a: number | null
  firm_limit_w: number | null
  firm_limit_a: number | null
  schedule: unknown[]
  time_of_use: unknown[]
  defaults: Record<string, unknown>
  tx_default_limit: { unit: 'A' | 'W'; limit: number } | null
  updated_at: Date
}): NodeRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    parentId: r.parent_id,
    kind: r.kind,
    name: r.name,
    limitW: r.limit_w,
    limitA: r.limit_a,
    firmLimitW: r.firm_limit_w,
    firmLimitA: r.firm_limit_a,
    schedule: r.schedule as ScheduledLimitRecord[],
    timeOfUse: r.time_of_use as TimeOfUseRecord[],
    defaults: r.defaults,
    txDefaultLimit: r.tx_default_limit,
    updatedAt: r.updated_at,
  }
}

export function createNodeRepo(db: Kysely<SmartChargingDb>) {
  return {
    async upsert(n: Omit<NodeRecord, 'updatedAt'>): Promise<NodeRecord> {
      const values = {
        site_id: n.siteId,
        parent_id: n.parentId,
        kind: n.kind,
        name: n.name,
        limit_w: n.limitW,
        limit_a: n.limitA,
        firm_limit_w: n.firmLimitW,
        firm_limit_a: n.firmLimitA,
        schedule: JSON.stringify(n.schedule),
        time_of_use: JSON.stringify(n.timeOfUse),
        defaults: JSON.stringify(n.defaults),
        tx_default_limit: n.txDefaultLimit === null ? null : JSON.stringify(n.txDefaultLimit),
        updated_at: new Date(),
      }
      const row = await db
        .insertInto('nodes')
        .values({ id: n.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow()
      return toRecord(row)
    },

    async get(id: string): Promise<NodeRecord | null> {
      const row = await db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toRecord(row) : null
    },

    async listSite(siteId: string): Promise<NodeRecord[]> {
      const rows = await db
        .selectFrom('nodes')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('id')
        .execute()
      return rows.map(toRecord)
    },

    async listSites(): Promise<NodeRecord[]> {
      const rows = await db.selectFrom('nodes').selectAll().where('kind', '=', 'site').orderBy('id').execute()
      return rows.map(toRecord)
    },

    /** Deletes the node and everything below it. */
    async delete(id: string): Promise<string[]> {
      const node = await this.get(id)
      if (!node) return []
      const all = await this.listSite(node.siteId)
      const doomed = new Set([id])
      for (let grew = true; grew; ) {
        grew = false
        for (const n of all) {
          if (n.parentId !== null && doomed.has(n.parentId) && !doomed.has(n.id)) {
            doomed.add(n.id)
            grew = true
          }
        }
      }
      await db
        .deleteFrom('nodes')
        .where('id', 'in', [...doomed])
        .execute()
      return [...doomed]
    },

    async upsertRule(r: PriorityRuleRecord): Promise<void> {
      const values = {
        match: r.match,
        value: r.value,
        priority: r.priority,
        windows: r.windows === undefined ? null : JSON.stringify(r.windows),
        updated_at: new Date(),
      }
      await db.transaction().execute(async (trx) => {
        // One rule per (match, value): a new id for the same key replaces the old rule.
        await trx
          .deleteFrom('priority_rules')
          .where('match', '=', r.match)
          .where('value', '=', r.value)
          .where('id', '!=', r.id)
          .execute()
        await trx
          .insertInto('priority_rules')
          .values({ id: r.id, ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet(values))
          .execute()
      })
    },

    async listRules(): Promise<PriorityRuleRecord[]> {
      const rows = await db.selectFrom('priority_rules').selectAll().orderBy('id').execute()
      return rows.map((r) => ({
        id: r.id,
        match: r.match,
        value: r.value,
        priority: r.priority,
        ...(r.windows === null ? {} : { windows: r.windows as PriorityRuleRecord['windows'] }),
      }))
    },

    async deleteRule(id: string): Promise<boolean> {
      const r = await db.deleteFrom('priority_rules').where('id', '=', id).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    },

    async upsertPlacement(p: PlacementRecord): Promise<void> {
      const values = {
        node_id: p.nodeId,
        current: p.current,
        phases: p.phases,
        voltage: p.voltage,
        max_current_a: p.maxCurrentA,
        max_power_w: p.maxPowerW,
        updated_at: new Date(),
      }
      await db
        .insertInto('station_placements')
        .values({ station_id: p.stationId, ...values })
        .onConflict((oc) => oc.column('station_id').doUpdateSet(values))
        .execute()
    },

    async placement(stationId: string): Promise<PlacementRecord | null> {
      const r = await db
        .selectFrom('station_placements')
        .selectAll()
        .where('station_id', '=', stationId)
        .executeTakeFirst()
      if (!r) return null
      return {
        stationId: r.station_id,
        nodeId: r.node_id,
        current: r.current,
        phases: r.phases === 1 || r.phases === 2 || r.phases === 3 ? r.phases : null,
        voltage: r.voltage,
        maxCurrentA: r.max_current_a,
        maxPowerW: r.max_power_w,
      }
    },
  }
}
