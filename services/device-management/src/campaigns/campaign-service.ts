import { AppError, type CampaignView, type CreateCampaign, type JobSummary } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { StationCaller } from '../commands/station-caller.js'
import { defaultTargetTimeoutS } from '../domain/campaign-policy.js'
import { type PublishFact, publishCampaignFact } from '../events/device-facts.js'
import type { JobStarter } from '../jobs/job-starter.js'
import type { CampaignRepo } from '../repo/campaign-repo.js'
import type { CampaignTargetRepo } from '../repo/campaign-target-repo.js'
import type { StationRepo } from '../repo/station-repo.js'
import {
  type ConfigurationPayload,
  type DispatchResult,
  dispatchConfiguration,
  dispatchFirmware,
  type FirmwarePayload,
} from './campaign-dispatch.js'

export type CampaignService = ReturnType<typeof createCampaignService>

/**
 * Fleet campaigns (issue 8.4): one firmware update or configuration change over the stations a
 * selector picks, at most `concurrency` at a time, paused once `failureThreshold` stations
 * failed. Every replica ticks; the repo's claims keep the limit across replicas. A station's
 * part ends when its answer (configuration) or its firmware job's end state arrives.
 */
export function createCampaignService(deps: {
  repo: CampaignRepo
  targets: CampaignTargetRepo
  stations: StationRepo
  starter: JobStarter
  caller: StationCaller
  publish: PublishFact
  logger: Logger
  tickMs: number
  clock?: () => Date
}) {
  const clock = deps.clock ?? (() => new Date())
  const inFlight = new Set<Promise<void>>()
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | undefined
  let again = false

  async function announce(id: string): Promise<void> {
    const view = await deps.repo.view(id)
    if (!view) return
    await publishCampaignFact(deps.publish, {
      campaignId: id,
      status: view.status,
      pausedReason: view.pausedReason,
      counts: view.counts,
    }).catch((error) => deps.logger.warn({ err: error, campaignId: id }, 'campaign fact not published'))
  }

  /** A station's part ended: pause at the threshold, complete when nothing is left. */
  async function finished(
    id: string,
    stationId: string,
    result: { state: 'succeeded' | 'failed'; error: string | null },
  ) {
    const at = clock()
    if (!(await deps.targets.finishTarget(id, stationId, result.state, result.error, at))) return
    if (result.state === 'failed') {
      deps.logger.warn({ campaignId: id, stationId, error: result.error }, 'campaign station failed')
      if (await deps.repo.pauseAtThreshold(id, at)) {
        deps.logger.warn({ campaignId: id }, 'campaign paused: failure threshold reached')
        await announce(id)
        return
      }
    }
    if (await deps.repo.completeIfDone(id, at)) await announce(id)
    else kick()
  }

  async function dispatch(
    campaignId: string,
    kind: string,
    payload: unknown,
    stationId: string,
  ): Promise<void> {
    let result: DispatchResult
    try {
      result =
        kind === 'firmware'
          ? await dispatchFirmware(deps.starter, campaignId, stationId, payload as FirmwarePayload)
          : await dispatchConfiguration(deps.caller, stationId, payload as ConfigurationPayload)
    } catch (error) {
      result = { state: 'failed', error: error instanceof Error ? error.message : String(error) }
    }
    if (result.jobId !== undefined) await deps.targets.attachJob(campaignId, stationId, result.jobId)
    if (result.state !== 'running') await finished(campaignId, stationId, result)
  }

  async function tick(): Promise<void> {
    for (const id of await deps.repo.runningCampaignIds()) {
      const at = clock()
      const expired = await deps.targets.expireTargets(id, at)
      if (expired > 0 && (await deps.repo.pauseAtThreshold(id, at))) {
        await announce(id)
        continue
      }
      const claim = await deps.targets.claim(id, at)
      if (!claim) continue
      for (const stationId of claim.stationIds) {
        const p = dispatch(id, claim.campaign.kind, claim.campaign.payload, stationId).catch((error) =>
          deps.logger.error({ err: error, campaignId: id, stationId }, 'campaign dispatch failed'),
        )
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
      }
      if (claim.stationIds.length === 0 && (await deps.repo.completeIfDone(id, at))) await announce(id)
    }
  }

  /** Runs a tick now (or right after the one running), without overlapping ticks. */
  function kick(): void {
    if (ticking) {
      again = true
      return
    }
    ticking = tick()
      .catch((error) => deps.logger.warn({ err: error }, 'campaign tick failed'))
      .finally(() => {
        ticking = undefined
        if (again) {
          again = false
          kick()
        }
      })
  }

  return {
    start(): void {
      timer = setInterval(kick, deps.tickMs)
      kick()
    },

    async stop(): Promise<void> {
      clearInterval(timer)
      await ticking
      await Promise.allSettled([...inFlight])
    },

    /** Wired to the job tracker: a campaign's firmware job reached its end state. */
    async jobFinished(job: JobSummary): Promise<void> {
      if (job.campaignId === null) return
      await finished(job.campaignId, job.stationId, {
        state: job.outcome === 'succeeded' ? 'succeeded' : 'failed',
        error: job.outcome === 'succeeded' ? null : job.status,
      })
    },

    async create(input: CreateCampaign): Promise<CampaignView> {
      const stationIds = await deps.stations.select(input.selector)
      const { kind, name, selector, concurrency, failureThreshold, targetTimeoutS } = input
      const payload =
        input.kind === 'firmware'
          ? { firmware: input.firmware, retries: input.retries, retryInterval: input.retryInterval }
          : { variables: input.variables }
      const id = await deps.repo.create(
        {
          name: name ?? null,
          kind,
          selector,
          payload,
          concurrency,
          failureThreshold,
          targetTimeoutS: targetTimeoutS ?? defaultTargetTimeoutS(kind),
          stationIds,
        },
        clock(),
      )
      deps.logger.info({ campaignId: id, kind, stations: stationIds.length }, 'campaign created')
      await announce(id)
      kick()
      return (await deps.repo.view(id)) as CampaignView
    },

    async control(
      id: string,
      action: 'pause' | 'resume' | 'cancel',
      failureThreshold?: number,
    ): Promise<CampaignView> {
      const before = await deps.repo.view(id)
      if (!before) throw new AppError('not_found', `campaign ${id} is not known`)
      if (!(await deps.repo.control(id, action, failureThreshold, clock()))) {
        throw new AppError('conflict', `cannot ${action} a ${before.status} campaign`)
      }
      await announce(id)
      if (action === 'resume') kick()
      return (await deps.repo.view(id)) as CampaignView
    },
  }
}
