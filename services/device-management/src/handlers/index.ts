import type { AnyOcppHandler, GroupCommitOptions } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import type { BootPolicy } from '../domain/boot-policy.js'
import type { PublishFact } from '../events/device-facts.js'
import type { JobTracker } from '../jobs/job-tracker.js'
import type { DeviceModelRepo } from '../repo/device-model-repo.js'
import type { DisplayMessageRepo } from '../repo/display-message-repo.js'
import type { MonitoringRepo } from '../repo/monitoring-repo.js'
import type { StationRepo } from '../repo/station-repo.js'
import type { StationWrites } from '../repo/station-writes.js'
import { createBootNotificationHandlers } from './boot-notification.js'
import type { Clock } from './clock.js'
import { createDataTransferHandlers } from './data-transfer.js'
import { createFirmwareStatusNotificationHandlers } from './firmware-status-notification.js'
import { createHeartbeatHandlers } from './heartbeat.js'
import { createLogStatusNotificationHandlers } from './log-status-notification.js'
import { createNotifyCustomerInformationHandlers } from './notify-customer-information.js'
import { createNotifyDisplayMessagesHandlers } from './notify-display-messages.js'
import { createNotifyEventHandlers } from './notify-event.js'
import { createNotifyMonitoringReportHandlers } from './notify-monitoring-report.js'
import { createNotifyReportHandlers } from './notify-report.js'
import { createPublishFirmwareStatusNotificationHandlers } from './publish-firmware-status-notification.js'
import { createSecurityEventNotificationHandlers } from './security-event-notification.js'
import { createStatusNotificationHandlers } from './status-notification.js'

export type HandlerDeps = {
  nc: NatsConnection
  stations: StationRepo
  writes: StationWrites
  /** How the per-connection writes (boot, status, heartbeat) are grouped and shed. */
  commit: GroupCommitOptions
  model: DeviceModelRepo
  monitoring: MonitoringRepo
  displays: DisplayMessageRepo
  jobs: JobTracker
  publish: PublishFact
  policy: BootPolicy
  clock: Clock
  logger: Logger
  dataTransferTimeoutMs: number
}

/** Every station-initiated action device-management answers, in every protocol version. */
export function deviceManagementHandlers(d: HandlerDeps): AnyOcppHandler[] {
  return [
    ...createBootNotificationHandlers({
      writes: d.writes,
      policy: d.policy,
      clock: d.clock,
      logger: d.logger,
      commit: d.commit,
    }),
    ...createHeartbeatHandlers({ writes: d.writes, clock: d.clock, commit: d.commit }),
    ...createStatusNotificationHandlers({ writes: d.writes, clock: d.clock, commit: d.commit }),
    ...createNotifyReportHandlers(d),
    ...createNotifyMonitoringReportHandlers(d),
    ...createNotifyEventHandlers(d),
    ...createSecurityEventNotificationHandlers(d),
    ...createFirmwareStatusNotificationHandlers(d),
    ...createPublishFirmwareStatusNotificationHandlers(d),
    ...createLogStatusNotificationHandlers(d),
    ...createNotifyDisplayMessagesHandlers(d),
    ...createNotifyCustomerInformationHandlers(d),
    ...createDataTransferHandlers({ nc: d.nc, timeoutMs: d.dataTransferTimeoutMs, logger: d.logger }),
  ]
}
