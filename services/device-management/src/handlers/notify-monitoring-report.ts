import { defineHandler } from '@csms/bus'
import { cleanComponent, cleanVariable } from '../domain/component-key.js'
import type { JobTracker } from '../jobs/job-tracker.js'
import type { MonitoringRepo } from '../repo/monitoring-repo.js'
import type { Clock } from './clock.js'

/** NotifyMonitoringReport (N02): the monitors a station holds, part by part. */
export function createNotifyMonitoringReportHandlers(deps: {
  monitoring: MonitoringRepo
  jobs: JobTracker
  clock: Clock
}) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyMonitoringReport',
      async handle({ stationId, payload }) {
        const monitors = (payload.monitor ?? []).flatMap((m) =>
          m.variableMonitoring.map((vm) => ({
            id: vm.id,
            component: cleanComponent(m.component),
            variable: cleanVariable(m.variable),
            type: vm.type,
            value: vm.value,
            severity: vm.severity,
            transaction: vm.transaction,
            // 2.1 says what kind each monitor is; 2.0.1 does not.
            kind: 'eventNotificationType' in vm ? String(vm.eventNotificationType) : undefined,
          })),
        )
        await deps.monitoring.upsertMonitors(stationId, monitors, 'report', deps.clock())
        const last = payload.tbc !== true
        await deps.jobs.report({
          stationId,
          kind: 'monitoring-report',
          requestId: payload.requestId,
          status: last ? 'Completed' : 'Receiving',
          info: { seqNo: payload.seqNo, monitors: monitors.length },
          outcome: last ? 'succeeded' : 'open',
        })
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
