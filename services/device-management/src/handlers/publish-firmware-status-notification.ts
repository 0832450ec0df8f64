import { defineHandler } from '@csms/bus'
import type { JobTracker } from '../jobs/job-tracker.js'

/** PublishFirmwareStatusNotification (L03): a local controller publishing a firmware file. */
export function createPublishFirmwareStatusNotificationHandlers(deps: { jobs: JobTracker }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'PublishFirmwareStatusNotification',
      async handle({ stationId, payload }) {
        await deps.jobs.report({
          stationId,
          kind: 'publish-firmware',
          requestId: payload.requestId,
          status: payload.status,
          ...(payload.location ? { info: { location: payload.location } } : {}),
        })
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
