import type { JobKind, JobOutcome, JobSummary, JobView } from '@csms/bus'
import { type Kysely, type Selectable, sql } from 'kysely'
import type { DeviceManagementDb, JobsTable } from './tables.js'

export type JobRow = Selectable<JobsTable>

export type NewJob = {
  stationId: string
  kind: JobKind
  requestId: number
  request: unknown
  campaignId: string | null
  status: string
  outcome: JobOutcome
  at: Date
  info?: unknown
}

export type JobChange = {
  status?: string
  outcome?: JobOutcome
  responseStatus?: string
  request?: unknown
  at: Date
  /** The history entry written with the change. */
  history: { status: string; info?: unknown }
}

export type JobRepo = ReturnType<typeof createJobRepo>

export function createJobRepo(db: Kysely<DeviceManagementDb>) {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v))
  return {
    /** A requestId the CSMS picks, unique across replicas. */
    async nextRequestId(): Promise<number> {
      const { rows } = await sql<{ id: number }>`select nextval('request_ids')::integer as id`.execute(db)
      return rows[0]?.id as number
    },

    async open(job: NewJob): Promise<JobRow> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('jobs')
          .values({
            station_id: job.stationId,
            kind: job.kind,
            request_id: job.requestId,
            campaign_id: job.campaignId,
            request: json(job.request),
            response_status: null,
            status: job.status,
            outcome: job.outcome,
            created_at: job.at,
            updated_at: job.at,
            finished_at: job.outcome === 'open' ? null : job.at,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await trx
          .insertInto('job_history')
          .values({ job_id: row.id, status: job.status, at: job.at, info: json(job.info) })
          .execute()
        return row
      })
    },

    async findById(id: string): Promise<JobRow | null> {
      return (await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
    },

    /** The newest job of a kind with that requestId, or (without one) the newest open job. */
    async findLatest(
      stationId: string,
      kind: JobKind,
      requestId: number | undefined,
    ): Promise<JobRow | null> {
      let q = db.selectFrom('jobs').selectAll().where('station_id', '=', stationId).where('kind', '=', kind)
      q = requestId === undefined ? q.where('outcome', '=', 'open') : q.where('request_id', '=', requestId)
      return (await q.orderBy('id', 'desc').limit(1).executeTakeFirst()) ?? null
    },

    /** The newest publish job of a firmware file, found by the checksum it was published with. */
    async findPublished(stationId: string, checksum: string): Promise<JobRow | null> {
      return (
        (await db
          .selectFrom('jobs')
          .selectAll()
          .where('station_id', '=', stationId)
          .where('kind', '=', 'publish-firmware')
          .where(sql<string>`request->'payload'->>'checksum'`, '=', checksum)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst()) ?? null
      )
    },

    async openJobs(stationId: string, kind: JobKind): Promise<JobRow[]> {
      return db
        .selectFrom('jobs')
        .selectAll()
        .where('station_id', '=', stationId)
        .where('kind', '=', kind)
        .where('outcome', '=', 'open')
        .execute()
    },

    async lastHistory(jobId: string): Promise<{ status: string; info: unknown } | null> {
      return (
        (await db
          .selectFrom('job_history')
          .select(['status', 'info'])
          .where('job_id', '=', jobId)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst()) ?? null
      )
    },

    async change(jobId: string, change: JobChange): Promise<JobRow> {
      return db.transaction().execute(async (trx) => {
        const set: Record<string, unknown> = { updated_at: change.at }
        if (change.status !== undefined) set.status = change.status
        if (change.outcome !== undefined) {
          set.outcome = change.outcome
          set.finished_at = change.outcome === 'open' ? null : change.at
        }
        if (change.responseStatus !== undefined) set.response_status = change.responseStatus
        if (change.request !== undefined) set.request = json(change.request)
        const row = await trx
          .updateTable('jobs')
          .set(set)
          .where('id', '=', jobId)
          .returningAll()
          .executeTakeFirstOrThrow()
        await trx
          .insertInto('job_history')
          .values({
            job_id: jobId,
            status: change.history.status,
            at: change.at,
            info: json(change.history.info),
          })
          .execute()
        return row
      })
    },

    async get(id: string): Promise<JobView | null> {
      if (!/^\d{1,18}$/.test(id)) return null
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) return null
      const history = await db
        .selectFrom('job_history')
        .select(['status', 'at', 'info'])
        .where('job_id', '=', id)
        .orderBy('id')
        .execute()
      return {
        ...toJobSummary(row),
        history: history.map((h) => ({
          status: h.status,
          at: h.at.toISOString(),
          info: h.info ?? null,
        })),
      }
    },

    async list(q: {
      stationId?: string | undefined
      kind?: JobKind | undefined
      campaignId?: string | undefined
      outcome?: JobOutcome | undefined
      limit: number
      after?: string | undefined
    }): Promise<{ jobs: JobSummary[]; next: string | null }> {
      let query = db
        .selectFrom('jobs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
      if (q.stationId !== undefined) query = query.where('station_id', '=', q.stationId)
      if (q.kind !== undefined) query = query.where('kind', '=', q.kind)
      if (q.campaignId !== undefined) query = query.where('campaign_id', '=', q.campaignId)
      if (q.outcome !== undefined) query = query.where('outcome', '=', q.outcome)
      if (q.after !== undefined) query = query.where('id', '<', q.after)
      const rows = await query.execute()
      const pageRows = rows.slice(0, q.limit)
      return {
        jobs: pageRows.map(toJobSummary),
        next: rows.length > q.limit ? (pageRows.at(-1)?.id ?? null) : null,
      }
    },
  }
}

export function toJobSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    stationId: row.station_id,
    kind: row.kind as JobKind,
    requestId: row.request_id,
    campaignId: row.campaign_id,
    request: row.request ?? null,
    responseStatus: row.response_status,
    status: row.status,
    outcome: row.outcome as JobOutcome,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  }
}
