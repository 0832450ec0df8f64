import { defineHandler } from '@csms/bus'
import type { JobTracker } from '../jobs/job-tracker.js'

/**
 * NotifyCustomerInformation (N09): the station's data about a customer arrives in parts, each
 * kept in the job's history (seqNo, generatedAt, data); the last part completes the job.
 */
export function createNotifyCustomerInformationHandlers(deps: { jobs: JobTracker }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyCustomerInformation',
      async handle({ stationId, payload }) {
        const last = payload.tbc !== true
        await deps.jobs.report({
          stationId,
          kind: 'customer-information',
          requestId: payload.requestId,
          status: last ? 'Completed' : 'Receiving',
          info: { seqNo: payload.seqNo, generatedAt: payload.generatedAt, data: payload.data },
          outcome: last ? 'succeeded' : 'open',
        })
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
