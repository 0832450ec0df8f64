import type { CampaignTargetView } from '@csms/bus'
import { type Kysely, sql } from 'kysely'
import type { CampaignRow } from './campaign-repo.js'
import type { DeviceManagementDb } from './tables.js'

export type CampaignTargetRepo = ReturnType<typeof createCampaignTargetRepo>

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const isId = (id: string) => /^\d{1,18}$/.test(id)

/**
 * The stations of each campaign. A target changes state only from the state the step expects
 * (pending → running → succeeded / failed), so replicas ticking the same campaign cannot run a
 * station twice; claims hold the campaign row's lock for one short transaction.
 */
export function createCampaignTargetRepo(db: Kysely<DeviceManagementDb>) {
  return {
    async targets(q: { id: string; state?: string | undefined; limit: number; after?: string | undefined }) {
      if (!isId(q.id)) return { targets: [], next: null }
      let query = db
        .selectFrom('campaign_targets')
        .selectAll()
        .where('campaign_id', '=', q.id)
        .orderBy('station_id')
        .limit(q.limit + 1)
      if (q.state !== undefined) query = query.where('state', '=', q.state)
      if (q.after !== undefined) query = query.where('station_id', '>', q.after)
      const rows = await query.execute()
      const pageRows = rows.slice(0, q.limit)
      return {
        targets: pageRows.map(
          (t): CampaignTargetView => ({
            stationId: t.station_id,
            state: t.state as CampaignTargetView['state'],
            jobId: t.job_id,
            error: t.error,
            startedAt: iso(t.started_at),
            finishedAt: iso(t.finished_at),
          }),
        ),
        next: rows.length > q.limit ? (pageRows.at(-1)?.station_id ?? null) : null,
      }
    },

    /** Marks up to the free slots' worth of pending targets running; returns the campaign and them. */
    async claim(id: string, at: Date): Promise<{ campaign: CampaignRow; stationIds: string[] } | null> {
      return db.transaction().execute(async (trx) => {
        const campaign = await trx
          .selectFrom('campaigns')
          .selectAll()
          .where('id', '=', id)
          .where('status', '=', 'running')
          .forUpdate()
          .skipLocked()
          .executeTakeFirst()
        if (!campaign) return null
        const running = await trx
          .selectFrom('campaign_targets')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('campaign_id', '=', id)
          .where('state', '=', 'running')
          .executeTakeFirstOrThrow()
        const free = campaign.concurrency - Number(running.n)
        if (free <= 0) return { campaign, stationIds: [] }
        const claimed = await trx
          .updateTable('campaign_targets')
          .set({ state: 'running', started_at: at })
          .where('campaign_id', '=', id)
          .where('station_id', 'in', (eb) =>
            eb
              .selectFrom('campaign_targets')
              .select('station_id')
              .where('campaign_id', '=', id)
              .where('state', '=', 'pending')
              .orderBy('station_id')
              .limit(free),
          )
          .returning('station_id')
          .execute()
        return { campaign, stationIds: claimed.map((r) => r.station_id).sort() }
      })
    },

    async attachJob(id: string, stationId: string, jobId: string): Promise<void> {
      await db
        .updateTable('campaign_targets')
        .set({ job_id: jobId })
        .where('campaign_id', '=', id)
        .where('station_id', '=', stationId)
        .execute()
    },

    /** Ends a running target; false when it was not running any more (ended elsewhere). */
    async finishTarget(
      id: string,
      stationId: string,
      state: 'succeeded' | 'failed',
      error: string | null,
      at: Date,
    ): Promise<boolean> {
      const r = await db
        .updateTable('campaign_targets')
        .set({ state, error, finished_at: at })
        .where('campaign_id', '=', id)
        .where('station_id', '=', stationId)
        .where('state', '=', 'running')
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    /** Running targets past the campaign's timeout fail; returns how many. */
    async expireTargets(id: string, at: Date): Promise<number> {
      const r = await db
        .updateTable('campaign_targets')
        .set({ state: 'failed', error: 'timed out', finished_at: at })
        .where('campaign_id', '=', id)
        .where('state', '=', 'running')
        .where(
          'started_at',
          '<',
          sql<Date>`${at}::timestamptz - make_interval(secs => (select target_timeout_s from campaigns where id = ${id}))`,
        )
        .executeTakeFirst()
      return Number(r.numUpdatedRows)
    },
  }
}
