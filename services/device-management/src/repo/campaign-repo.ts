import type { CampaignCounts, CampaignView } from '@csms/bus'
import type { Kysely, Selectable } from 'kysely'
import type { CampaignsTable, DeviceManagementDb } from './tables.js'

export type CampaignRow = Selectable<CampaignsTable>
export type NewCampaign = {
  name: string | null
  kind: 'firmware' | 'configuration'
  selector: unknown
  payload: unknown
  concurrency: number
  failureThreshold: number
  targetTimeoutS: number
  stationIds: string[]
}

export type CampaignRepo = ReturnType<typeof createCampaignRepo>

const CHUNK = 1000
const iso = (d: Date | null) => (d ? d.toISOString() : null)
const isId = (id: string) => /^\d{1,18}$/.test(id)

/**
 * Campaigns: their settings, status and counts. Every status change is one statement guarded
 * by the status it expects, so replicas may act on the same campaign.
 */
export function createCampaignRepo(db: Kysely<DeviceManagementDb>) {
  const repo = {
    async create(c: NewCampaign, at: Date): Promise<string> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('campaigns')
          .values({
            name: c.name,
            kind: c.kind,
            status: c.stationIds.length === 0 ? 'completed' : 'running',
            selector: JSON.stringify(c.selector),
            payload: JSON.stringify(c.payload),
            concurrency: c.concurrency,
            failure_threshold: c.failureThreshold,
            target_timeout_s: c.targetTimeoutS,
            created_at: at,
            updated_at: at,
            finished_at: c.stationIds.length === 0 ? at : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        for (let i = 0; i < c.stationIds.length; i += CHUNK) {
          await trx
            .insertInto('campaign_targets')
            .values(
              c.stationIds
                .slice(i, i + CHUNK)
                .map((station_id) => ({ campaign_id: row.id, station_id, state: 'pending' })),
            )
            .execute()
        }
        return row.id
      })
    },

    async row(id: string): Promise<CampaignRow | null> {
      if (!isId(id)) return null
      return (await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
    },

    async counts(id: string): Promise<CampaignCounts> {
      const rows = await db
        .selectFrom('campaign_targets')
        .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
        .where('campaign_id', '=', id)
        .groupBy('state')
        .execute()
      const counts: CampaignCounts = {
        total: 0,
        pending: 0,
        running: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
      }
      for (const r of rows) {
        const n = Number(r.n)
        counts.total += n
        if (r.state in counts) counts[r.state as keyof CampaignCounts] = n
      }
      return counts
    },

    async view(id: string): Promise<CampaignView | null> {
      const row = await repo.row(id)
      return row ? toView(row, await repo.counts(id)) : null
    },

    async list(q: { status?: string | undefined; limit: number; after?: string | undefined }) {
      let query = db
        .selectFrom('campaigns')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
      if (q.status !== undefined) query = query.where('status', '=', q.status)
      if (q.after !== undefined && isId(q.after)) query = query.where('id', '<', q.after)
      const rows = await query.execute()
      const pageRows = rows.slice(0, q.limit)
      return {
        campaigns: await Promise.all(pageRows.map(async (r) => toView(r, await repo.counts(r.id)))),
        next: rows.length > q.limit ? (pageRows.at(-1)?.id ?? null) : null,
      }
    },

    async runningCampaignIds(): Promise<string[]> {
      return (
        await db.selectFrom('campaigns').select('id').where('status', '=', 'running').orderBy('id').execute()
      ).map((r) => r.id)
    },

    /** Pauses a running campaign whose failures reached its threshold; true when it did. */
    async pauseAtThreshold(id: string, at: Date): Promise<boolean> {
      const r = await db
        .updateTable('campaigns')
        .set({ status: 'paused', paused_reason: 'failure threshold reached', updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where(
          'failure_threshold',
          '<=',
          db
            .selectFrom('campaign_targets')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('campaign_id', '=', id)
            .where('state', '=', 'failed'),
        )
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    /** Completes a running campaign with nothing pending or running; true when it did. */
    async completeIfDone(id: string, at: Date): Promise<boolean> {
      const r = await db
        .updateTable('campaigns')
        .set({ status: 'completed', updated_at: at, finished_at: at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('campaign_targets')
                .select('station_id')
                .where('campaign_id', '=', id)
                .where('state', 'in', ['pending', 'running']),
            ),
          ),
        )
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    /** pause / resume / cancel from the operator; false when the campaign is not in a state to. */
    async control(
      id: string,
      action: 'pause' | 'resume' | 'cancel',
      failureThreshold: number | undefined,
      at: Date,
    ): Promise<boolean> {
      if (action === 'cancel') {
        return db.transaction().execute(async (trx) => {
          const r = await trx
            .updateTable('campaigns')
            .set({ status: 'cancelled', updated_at: at, finished_at: at })
            .where('id', '=', id)
            .where('status', 'in', ['running', 'paused'])
            .executeTakeFirst()
          if (Number(r.numUpdatedRows) === 0) return false
          await trx
            .updateTable('campaign_targets')
            .set({ state: 'cancelled', finished_at: at })
            .where('campaign_id', '=', id)
            .where('state', '=', 'pending')
            .execute()
          return true
        })
      }
      const [from, to] = action === 'pause' ? ['running', 'paused'] : ['paused', 'running']
      const r = await db
        .updateTable('campaigns')
        .set({
          status: to,
          paused_reason: action === 'pause' ? 'paused by operator' : null,
          updated_at: at,
          ...(failureThreshold === undefined ? {} : { failure_threshold: failureThreshold }),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },
  }
  return repo
}

function toView(row: CampaignRow, counts: CampaignCounts): CampaignView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as CampaignView['kind'],
    status: row.status as CampaignView['status'],
    selector: row.selector,
    concurrency: row.concurrency,
    failureThreshold: row.failure_threshold,
    targetTimeoutS: row.target_timeout_s,
    pausedReason: row.paused_reason,
    counts,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: iso(row.finished_at),
  }
}
