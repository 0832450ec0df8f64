import type { ComponentRef } from '@csms/bus'
import type { Kysely } from 'kysely'
import { cleanComponent } from '../domain/component-key.js'
import type { DeviceManagementDb } from './tables.js'

/** MessageInfoType of 2.0.1 and 2.1 (2.1 adds states and extra content, kept as given). */
type MessageInfo = {
  id: number
  priority: string
  state?: string | undefined
  startDateTime?: string | undefined
  endDateTime?: string | undefined
  transactionId?: string | undefined
  message: { format: string; language?: string | undefined; content: string }
  display?:
    | {
        name: string
        instance?: string | undefined
        evse?: { id: number; connectorId?: number | undefined } | undefined
      }
    | undefined
}

export type DisplayMessageRepo = ReturnType<typeof createDisplayMessageRepo>

/** The display messages a station holds (O01-O06). */
export function createDisplayMessageRepo(db: Kysely<DeviceManagementDb>) {
  return {
    async upsert(
      stationId: string,
      messages: readonly MessageInfo[],
      source: string,
      at: Date,
    ): Promise<void> {
      const unique = new Map(messages.map((m) => [m.id, m]))
      if (unique.size === 0) return
      await db
        .insertInto('display_messages')
        .values(
          [...unique.values()].map((m) => ({
            station_id: stationId,
            message_id: m.id,
            priority: m.priority,
            state: m.state ?? null,
            start_date_time: m.startDateTime ?? null,
            end_date_time: m.endDateTime ?? null,
            transaction_id: m.transactionId ?? null,
            message: JSON.stringify({
              format: m.message.format,
              content: m.message.content,
              ...(m.message.language === undefined ? {} : { language: m.message.language }),
            }),
            display: m.display ? JSON.stringify(cleanComponent(m.display)) : null,
            source,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['station_id', 'message_id']).doUpdateSet((eb) => ({
            priority: eb.ref('excluded.priority'),
            state: eb.ref('excluded.state'),
            start_date_time: eb.ref('excluded.start_date_time'),
            end_date_time: eb.ref('excluded.end_date_time'),
            transaction_id: eb.ref('excluded.transaction_id'),
            message: eb.ref('excluded.message'),
            display: eb.ref('excluded.display'),
            source: eb.ref('excluded.source'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
    },

    async remove(stationId: string, id: number): Promise<void> {
      await db
        .deleteFrom('display_messages')
        .where('station_id', '=', stationId)
        .where('message_id', '=', id)
        .execute()
    },

    async list(stationId: string) {
      const rows = await db
        .selectFrom('display_messages')
        .selectAll()
        .where('station_id', '=', stationId)
        .orderBy('message_id')
        .execute()
      return rows.map((m) => ({
        id: m.message_id,
        priority: m.priority,
        state: m.state,
        startDateTime: m.start_date_time ? m.start_date_time.toISOString() : null,
        endDateTime: m.end_date_time ? m.end_date_time.toISOString() : null,
        transactionId: m.transaction_id,
        message: m.message as { format: string; language?: string; content: string },
        display: (m.display as ComponentRef | null) ?? null,
        source: m.source,
        updatedAt: m.updated_at.toISOString(),
      }))
    },
  }
}
