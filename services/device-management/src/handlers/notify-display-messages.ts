import { defineHandler } from '@csms/bus'
import type { JobTracker } from '../jobs/job-tracker.js'
import type { DisplayMessageRepo } from '../repo/display-message-repo.js'
import type { Clock } from './clock.js'

/** NotifyDisplayMessages (O03, O04): the messages a station reports, part by part. */
export function createNotifyDisplayMessagesHandlers(deps: {
  displays: DisplayMessageRepo
  jobs: JobTracker
  clock: Clock
}) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyDisplayMessages',
      async handle({ stationId, payload }) {
        const messages = payload.messageInfo ?? []
        await deps.displays.upsert(stationId, messages, 'report', deps.clock())
        const last = payload.tbc !== true
        await deps.jobs.report({
          stationId,
          kind: 'display-messages',
          requestId: payload.requestId,
          status: last ? 'Completed' : 'Receiving',
          info: { messages: messages.map((m) => m.id) },
          outcome: last ? 'succeeded' : 'open',
        })
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
