import { defineHandler } from '@csms/bus'
import type { JobTracker } from '../jobs/job-tracker.js'
import { reportWrites } from '../model/variable-writes.js'
import type { DeviceModelRepo } from '../repo/device-model-repo.js'
import type { Clock } from './clock.js'

/**
 * NotifyReport (B07, B08): each part is stored as it comes, in batched upserts, so a report of
 * thousands of variables never sits in memory; the last part (tbc false) completes the job.
 */
export function createNotifyReportHandlers(deps: { model: DeviceModelRepo; jobs: JobTracker; clock: Clock }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyReport',
      async handle({ stationId, payload }) {
        const data = payload.reportData ?? []
        await deps.model.write(stationId, reportWrites(data), deps.clock())
        const last = payload.tbc !== true
        await deps.jobs.report({
          stationId,
          kind: 'report',
          requestId: payload.requestId,
          status: last ? 'Completed' : 'Receiving',
          info: { seqNo: payload.seqNo, variables: data.length },
          outcome: last ? 'succeeded' : 'open',
        })
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
