import {
  listDeviceEventsRpc,
  listDeviceVariablesRpc,
  listDisplayMessagesRpc,
  listMonitorsRpc,
  listSecurityEventsRpc,
  requestReportRpc,
  serveRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { JobStarter } from '../jobs/job-starter.js'
import type { DeviceModelRepo } from '../repo/device-model-repo.js'
import type { DisplayMessageRepo } from '../repo/display-message-repo.js'
import type { JobRepo } from '../repo/job-repo.js'
import type { MonitoringRepo } from '../repo/monitoring-repo.js'
import { idCursor } from './cursor.js'

/** What the operator API reads of each station's device model, monitors, events and messages. */
export function serveDeviceModelRpc(deps: {
  nc: NatsConnection
  model: DeviceModelRepo
  monitoring: MonitoringRepo
  displays: DisplayMessageRepo
  jobRepo: JobRepo
  starter: JobStarter
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'device-management', logger: deps.logger }
  return [
    serveRpc(
      deps.nc,
      listDeviceVariablesRpc,
      (q) => deps.model.list({ ...q, after: idCursor(q.after) }),
      opts,
    ),
    serveRpc(
      deps.nc,
      requestReportRpc,
      async ({ stationId, timeoutMs, ...report }) => {
        const job = await deps.starter.report(stationId, report, timeoutMs === undefined ? {} : { timeoutMs })
        return { job: await jobView(deps.jobRepo, job.id) }
      },
      opts,
    ),
    serveRpc(deps.nc, listMonitorsRpc, ({ stationId }) => deps.monitoring.listMonitors(stationId), opts),
    serveRpc(
      deps.nc,
      listDeviceEventsRpc,
      (q) => deps.monitoring.listEvents(q.stationId, q.limit, idCursor(q.after)),
      opts,
    ),
    serveRpc(
      deps.nc,
      listSecurityEventsRpc,
      (q) => deps.monitoring.listSecurityEvents(q.stationId, q.limit, idCursor(q.after)),
      opts,
    ),
    serveRpc(
      deps.nc,
      listDisplayMessagesRpc,
      async ({ stationId }) => ({ messages: await deps.displays.list(stationId) }),
      opts,
    ),
  ]
}

export async function jobView(repo: JobRepo, id: string) {
  const job = await repo.get(id)
  if (!job) throw new Error(`job ${id} vanished`)
  return job
}
