import { ATTRIBUTE_TYPES, type DeviceVariableView } from '@csms/bus'
import type { Kysely } from 'kysely'
import { componentRef, keyString, type VariableKey, variableRef } from '../domain/component-key.js'
import type { DeviceManagementDb } from './tables.js'

export type Characteristics = {
  dataType: string
  unit?: string | undefined
  minLimit?: number | undefined
  maxLimit?: number | undefined
  valuesList?: string | undefined
  supportsMonitoring?: boolean | undefined
}

/** What is learnt of one attribute; an absent field keeps what is stored. */
export type AttributeWrite = {
  type: string
  value?: string | undefined
  mutability?: string | undefined
  persistent?: boolean | undefined
  constant?: boolean | undefined
  lastSetStatus?: string | undefined
  source: string
}

export type VariableWrite = {
  key: VariableKey
  characteristics?: Characteristics | undefined
  attributes: AttributeWrite[]
}

export type VariableQuery = {
  stationId: string
  component?: string | undefined
  variable?: string | undefined
  evseId?: number | undefined
  limit: number
  after?: string | undefined
}

export type DeviceModelRepo = ReturnType<typeof createDeviceModelRepo>

// Rows per statement: keeps a large NotifyReport part well under PostgreSQL's 65,535 parameters.
const CHUNK = 1000

export function createDeviceModelRepo(db: Kysely<DeviceManagementDb>) {
  /** One upsert of the variables, one of their attributes, in one short transaction. */
  async function writeChunk(stationId: string, writes: VariableWrite[], at: Date): Promise<void> {
    const byKey = new Map<string, VariableWrite>()
    for (const w of writes) {
      const k = keyString(w.key)
      const prior = byKey.get(k)
      // The same variable twice in one message: merge, the later entry winning.
      byKey.set(
        k,
        prior
          ? {
              ...w,
              characteristics: w.characteristics ?? prior.characteristics,
              attributes: [...prior.attributes, ...w.attributes],
            }
          : w,
      )
    }
    await db.transaction().execute(async (trx) => {
      const rows = await trx
        .insertInto('device_variables')
        .values(
          [...byKey.values()].map(({ key, characteristics: c }) => ({
            station_id: stationId,
            component: key.component,
            component_instance: key.componentInstance,
            evse_id: key.evseId,
            connector_id: key.connectorId,
            variable: key.variable,
            variable_instance: key.variableInstance,
            data_type: c?.dataType ?? null,
            unit: c?.unit ?? null,
            min_limit: c?.minLimit ?? null,
            max_limit: c?.maxLimit ?? null,
            values_list: c?.valuesList ?? null,
            supports_monitoring: c?.supportsMonitoring ?? null,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.constraint('device_variables_identity').doUpdateSet((eb) => {
            const keep = <
              C extends
                | 'data_type'
                | 'unit'
                | 'min_limit'
                | 'max_limit'
                | 'values_list'
                | 'supports_monitoring',
            >(
              c: C,
            ) => eb.fn.coalesce(eb.ref(`excluded.${c}`), eb.ref(`device_variables.${c}`))
            return {
              data_type: keep('data_type'),
              unit: keep('unit'),
              min_limit: keep('min_limit'),
              max_limit: keep('max_limit'),
              values_list: keep('values_list'),
              supports_monitoring: keep('supports_monitoring'),
              updated_at: eb.ref('excluded.updated_at'),
            }
          }),
        )
        .returning([
          'id',
          'component',
          'component_instance',
          'evse_id',
          'connector_id',
          'variable',
          'variable_instance',
        ])
        .execute()
      const attributes = new Map<string, AttributeWrite & { variableId: string }>()
      for (const row of rows) {
        const write = byKey.get(
          keyString({
            component: row.component,
            componentInstance: row.component_instance,
            evseId: row.evse_id,
            connectorId: row.connector_id,
            variable: row.variable,
            variableInstance: row.variable_instance,
          }),
        )
        for (const a of write?.attributes ?? [])
          attributes.set(`${row.id}/${a.type}`, { ...a, variableId: row.id })
      }
      if (attributes.size === 0) return
      await trx
        .insertInto('device_variable_attributes')
        .values(
          [...attributes.values()].map((a) => ({
            variable_id: a.variableId,
            type: a.type,
            value: a.value ?? null,
            mutability: a.mutability ?? null,
            persistent: a.persistent ?? null,
            constant: a.constant ?? null,
            source: a.source,
            last_set_status: a.lastSetStatus ?? null,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['variable_id', 'type']).doUpdateSet((eb) => {
            const keep = <C extends 'value' | 'mutability' | 'persistent' | 'constant' | 'last_set_status'>(
              c: C,
            ) => eb.fn.coalesce(eb.ref(`excluded.${c}`), eb.ref(`device_variable_attributes.${c}`))
            return {
              value: keep('value'),
              mutability: keep('mutability'),
              persistent: keep('persistent'),
              constant: keep('constant'),
              last_set_status: keep('last_set_status'),
              source: eb.ref('excluded.source'),
              updated_at: eb.ref('excluded.updated_at'),
            }
          }),
        )
        .execute()
    })
  }

  return {
    /** Stores what a station reported or answered about its variables, in batched upserts. */
    async write(stationId: string, writes: VariableWrite[], at: Date): Promise<void> {
      for (let i = 0; i < writes.length; i += CHUNK)
        await writeChunk(stationId, writes.slice(i, i + CHUNK), at)
    },

    async list(
      q: VariableQuery,
    ): Promise<{ variables: DeviceVariableView[]; next: string | null; total: number }> {
      let base = db.selectFrom('device_variables').where('station_id', '=', q.stationId)
      if (q.component !== undefined) base = base.where('component', '=', q.component)
      if (q.variable !== undefined) base = base.where('variable', '=', q.variable)
      if (q.evseId !== undefined) base = base.where('evse_id', '=', q.evseId)
      const counted = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst()
      let pageQuery = base
        .selectAll()
        .orderBy('id')
        .limit(q.limit + 1)
      if (q.after !== undefined) pageQuery = pageQuery.where('id', '>', q.after)
      const rows = await pageQuery.execute()
      const pageRows = rows.slice(0, q.limit)
      const attrs =
        pageRows.length === 0
          ? []
          : await db
              .selectFrom('device_variable_attributes')
              .selectAll()
              .where(
                'variable_id',
                'in',
                pageRows.map((r) => r.id),
              )
              .execute()
      const order = (t: string) => ATTRIBUTE_TYPES.indexOf(t as (typeof ATTRIBUTE_TYPES)[number])
      const byVariable = new Map<string, typeof attrs>()
      for (const a of attrs) {
        const list = byVariable.get(a.variable_id)
        if (list) list.push(a)
        else byVariable.set(a.variable_id, [a])
      }
      const variables = pageRows.map(
        (r): DeviceVariableView => ({
          component: componentRef({
            component: r.component,
            componentInstance: r.component_instance,
            evseId: r.evse_id,
            connectorId: r.connector_id,
          }),
          variable: variableRef({ variable: r.variable, variableInstance: r.variable_instance }),
          characteristics:
            r.data_type === null
              ? null
              : {
                  dataType: r.data_type,
                  unit: r.unit,
                  minLimit: r.min_limit,
                  maxLimit: r.max_limit,
                  valuesList: r.values_list,
                  supportsMonitoring: r.supports_monitoring,
                },
          attributes: (byVariable.get(r.id) ?? [])
            .sort((a, b) => order(a.type) - order(b.type))
            .map((a) => ({
              type: a.type as (typeof ATTRIBUTE_TYPES)[number],
              value: a.value,
              mutability: a.mutability,
              persistent: a.persistent,
              constant: a.constant,
              source: a.source,
              lastSetStatus: a.last_set_status,
              updatedAt: a.updated_at.toISOString(),
            })),
          updatedAt: r.updated_at.toISOString(),
        }),
      )
      return {
        variables,
        next: rows.length > q.limit ? (pageRows.at(-1)?.id ?? null) : null,
        total: Number(counted?.n ?? 0),
      }
    },
  }
}
