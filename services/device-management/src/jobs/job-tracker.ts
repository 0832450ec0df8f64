import type { JobKind, JobSummary, OcppReply } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { isIdleStatus, outcomeOfAnswer, outcomeOfStatus } from '../domain/job-status.js'
import { type PublishFact, publishJobFact } from '../events/device-facts.js'
import { type JobRepo, type JobRow, toJobSummary } from '../repo/job-repo.js'

/** Called once a job reaches an end state (a campaign waits for its stations' jobs). */
export type JobFinished = (job: JobSummary) => Promise<void>

export type JobTracker = ReturnType<typeof createJobTracker>

/** How the station answered, as a status: its `status`, or what went wrong on the way. */
export function answerStatus(reply: OcppReply): string {
  if (!reply.ok) return `CALLERROR:${reply.code}`
  const status = (reply.payload as { status?: unknown } | undefined)?.status
  // 1.6 UpdateFirmware and GetDiagnostics answer without a status: the station took it.
  return typeof status === 'string' ? status : 'Accepted'
}

/**
 * Jobs: a CSMS-initiated request whose progress the station reports in later notifications.
 * Opened before the request is sent (or, for a request sent through the generic command route,
 * when the answer is recorded), moved by the answer and by each notification, ended once.
 */
export function createJobTracker(deps: {
  repo: JobRepo
  publish: PublishFact
  logger: Logger
  clock?: () => Date
}) {
  const clock = deps.clock ?? (() => new Date())
  const finished: JobFinished[] = []

  async function changed(row: JobRow, before: JobRow | null): Promise<JobSummary> {
    const job = toJobSummary(row)
    if (before?.status === row.status && before.outcome === row.outcome) return job
    await publishJobFact(
      deps.publish,
      {
        jobId: job.id,
        stationId: job.stationId,
        kind: job.kind,
        requestId: job.requestId,
        campaignId: job.campaignId,
        status: job.status,
        outcome: job.outcome,
      },
      job.updatedAt,
    ).catch((error) => deps.logger.warn({ err: error, jobId: job.id }, 'job fact not published'))
    if (job.outcome !== 'open' && before?.outcome === 'open') {
      for (const fn of finished) await fn(job)
    }
    return job
  }

  const tracker = {
    onFinished(fn: JobFinished): void {
      finished.push(fn)
    },

    nextRequestId: () => deps.repo.nextRequestId(),

    async open(input: {
      stationId: string
      kind: JobKind
      requestId: number
      request: unknown
      campaignId?: string | null
    }): Promise<JobSummary> {
      const row = await deps.repo.open({
        ...input,
        campaignId: input.campaignId ?? null,
        status: 'Requested',
        outcome: 'open',
        at: clock(),
      })
      return toJobSummary(row)
    },

    /** The station's answer to the request (or `StationOffline` / `NoResponse`). */
    async answered(jobId: string, status: string, info?: unknown): Promise<JobSummary> {
      const before = await deps.repo.findById(jobId)
      if (!before) throw new Error(`job ${jobId} vanished`)
      const kind = before.kind as JobKind
      const first = before.status === 'Requested'
      const outcome = outcomeOfAnswer(kind, status)
      const row = await deps.repo.change(jobId, {
        responseStatus: status,
        // Notifications may have overtaken the answer: they already moved the job on.
        ...(first ? { status, outcome } : {}),
        at: clock(),
        history: { status, info },
      })
      if (status === 'AcceptedCanceled') await tracker.cancelOthers(row)
      return changed(row, before)
    },

    /** A newer request replaced the open job of its kind on that station (AcceptedCanceled). */
    async cancelOthers(current: JobRow): Promise<void> {
      for (const other of await deps.repo.openJobs(current.station_id, current.kind as JobKind)) {
        if (other.id === current.id) continue
        const row = await deps.repo.change(other.id, {
          status: 'Canceled',
          outcome: 'failed',
          at: clock(),
          history: { status: 'Canceled', info: { by: current.id } },
        })
        await changed(row, other)
      }
    },

    /**
     * A request sent through the generic command route: its job is the one a notification may
     * already have opened (no request recorded yet), else a new one.
     */
    async recordCommand(input: {
      stationId: string
      kind: JobKind
      requestId: number
      request: unknown
      reply: OcppReply
    }): Promise<JobSummary> {
      const latest = await deps.repo.findLatest(input.stationId, input.kind, input.requestId)
      const job =
        latest && latest.request === null
          ? toJobSummary(
              await deps.repo.change(latest.id, {
                request: input.request,
                at: clock(),
                history: { status: 'Requested' },
              }),
            )
          : await tracker.open(input)
      return tracker.answered(
        job.id,
        answerStatus(input.reply),
        input.reply.ok ? input.reply.payload : { code: input.reply.code },
      )
    },

    /** UnpublishFirmware (L04) answered: the publish job of that checksum keeps it in its history. */
    async unpublished(stationId: string, checksum: string, status: string): Promise<void> {
      const job = await deps.repo.findPublished(stationId, checksum)
      if (!job) return
      await deps.repo.change(job.id, { at: clock(), history: { status: 'Unpublish', info: { status } } })
    },

    /** A station's notification about a job; a job never heard of is opened from it. */
    async report(input: {
      stationId: string
      kind: JobKind
      requestId: number | undefined
      status: string
      info?: unknown
      /** Overrides the outcome the status implies (a report's last part completes it). */
      outcome?: 'open' | 'succeeded' | 'failed'
    }): Promise<JobSummary | null> {
      const at = clock()
      const outcome = input.outcome ?? outcomeOfStatus(input.kind, input.status)
      const job = await deps.repo.findLatest(input.stationId, input.kind, input.requestId)
      // Idle with nothing in progress (the answer to a TriggerMessage) is no job at all.
      if (!job && isIdleStatus(input.status)) return null
      if (!job) {
        const requestId = input.requestId ?? (await deps.repo.nextRequestId())
        const row = await deps.repo.open({
          stationId: input.stationId,
          kind: input.kind,
          requestId,
          request: null,
          campaignId: null,
          status: input.status,
          outcome,
          at,
          info: input.info,
        })
        deps.logger.info(
          { stationId: input.stationId, kind: input.kind, requestId },
          'job learnt from a notification',
        )
        return changed(row, null)
      }
      const last = await deps.repo.lastHistory(job.id)
      if (
        last &&
        last.status === input.status &&
        JSON.stringify(last.info ?? null) === JSON.stringify(input.info ?? null)
      ) {
        return toJobSummary(job) // the station retried the same message
      }
      // An ended job only records further news; a request that timed out may still go on.
      const moves = !isIdleStatus(input.status) && (job.outcome === 'open' || job.status === 'NoResponse')
      const row = await deps.repo.change(job.id, {
        ...(moves ? { status: input.status, outcome } : {}),
        at,
        history: { status: input.status, info: input.info },
      })
      return changed(row, job)
    },
  }
  return tracker
}
