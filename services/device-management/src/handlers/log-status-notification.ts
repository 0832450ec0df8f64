import { defineHandler } from '@csms/bus'
import type { JobTracker } from '../jobs/job-tracker.js'

/** LogStatusNotification (N01) and 1.6 DiagnosticsStatusNotification move the log job. */
export function createLogStatusNotificationHandlers(deps: { jobs: JobTracker }) {
  const track = async (stationId: string, status: string, requestId: number | undefined) => {
    await deps.jobs.report({ stationId, kind: 'log', requestId, status })
    return {}
  }
  return [
    defineHandler({
      version: 'v201',
      action: 'LogStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, payload.requestId),
    }),
    defineHandler({
      version: 'v21',
      action: 'LogStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, payload.requestId),
    }),
    defineHandler({
      version: 'v16',
      action: 'LogStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, payload.requestId),
    }),
    defineHandler({
      version: 'v16',
      action: 'DiagnosticsStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, undefined),
    }),
  ]
}
