import { getJobRpc, listJobsRpc, serveRpc, startFirmwareUpdateRpc, startLogUploadRpc } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { JobStarter } from '../jobs/job-starter.js'
import type { JobRepo } from '../repo/job-repo.js'
import { idCursor } from './cursor.js'
import { jobView } from './device-model-rpc.js'

/**
 * Firmware updates and log uploads the operator starts, and every job's progress. A station that
 * cannot be reached still gets its job, ended with StationOffline or NoResponse, so the operator
 * sees what was tried.
 */
export function serveJobRpc(deps: {
  nc: NatsConnection
  starter: JobStarter
  repo: JobRepo
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'device-management', logger: deps.logger }
  const timeout = (t: number | undefined) => (t === undefined ? {} : { timeoutMs: t })
  return [
    serveRpc(
      deps.nc,
      startFirmwareUpdateRpc,
      async ({ stationId, timeoutMs, ...request }) => {
        const job = await deps.starter.firmware(stationId, request, timeout(timeoutMs))
        return { job: await jobView(deps.repo, job.id) }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      startLogUploadRpc,
      async ({ stationId, timeoutMs, ...request }) => {
        const job = await deps.starter.log(stationId, request, timeout(timeoutMs))
        return { job: await jobView(deps.repo, job.id) }
      },
      opts,
    ),
    serveRpc(deps.nc, listJobsRpc, (q) => deps.repo.list({ ...q, after: idCursor(q.after) }), opts),
    serveRpc(deps.nc, getJobRpc, async ({ id }) => ({ job: await deps.repo.get(id) }), opts),
  ]
}
