import { defineHandler } from '@csms/bus'
import type { JobTracker } from '../jobs/job-tracker.js'

/**
 * FirmwareStatusNotification (L01, L02) moves the station's firmware job by its requestId;
 * 1.6 sends none, so its statuses move the station's open firmware job. Unknown requestIds
 * (an update started elsewhere) open a job from the notification.
 */
export function createFirmwareStatusNotificationHandlers(deps: { jobs: JobTracker }) {
  const track = async (stationId: string, status: string, requestId: number | undefined) => {
    await deps.jobs.report({ stationId, kind: 'firmware', requestId, status })
    return {}
  }
  return [
    defineHandler({
      version: 'v201',
      action: 'FirmwareStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, payload.requestId),
    }),
    defineHandler({
      version: 'v21',
      action: 'FirmwareStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, payload.requestId),
    }),
    defineHandler({
      version: 'v16',
      action: 'FirmwareStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, undefined),
    }),
    defineHandler({
      version: 'v16',
      action: 'SignedFirmwareStatusNotification',
      handle: ({ stationId, payload }) => track(stationId, payload.status, payload.requestId),
    }),
  ]
}
