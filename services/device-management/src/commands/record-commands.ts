import type { CommandRecorder, CommandRequest, OcppReply } from '@csms/bus'
import type { ActionOf, RequestOf, ResponseOf } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import { cleanComponent, cleanVariable } from '../domain/component-key.js'
import type { Clock } from '../handlers/clock.js'
import { answerStatus, type JobTracker } from '../jobs/job-tracker.js'
import {
  changeConfigurationWrites,
  configurationWrites,
  getResultWrites,
  setResultWrites,
} from '../model/variable-writes.js'
import type { DeviceModelRepo } from '../repo/device-model-repo.js'
import type { DisplayMessageRepo } from '../repo/display-message-repo.js'
import type { MonitoringRepo } from '../repo/monitoring-repo.js'
import { jobKindOf, requestIdOf } from './job-actions.js'

export type RecorderDeps = {
  model: DeviceModelRepo
  monitoring: MonitoringRepo
  displays: DisplayMessageRepo
  jobs: JobTracker
  clock: Clock
  logger: Logger
}

type Req<A extends ActionOf<'v201'>> = RequestOf<'v201', A>
type Res<A extends ActionOf<'v201'>> = ResponseOf<'v201', A>

/**
 * Keeps the stored model in step with what stations answer to the calls device-management
 * sends for the operator (ARCHITECTURE.md decision 3). A failure to record is logged, never
 * hidden from the operator: the station did answer.
 */
export function createCommandRecorder(deps: RecorderDeps): CommandRecorder {
  return async (req, reply) => {
    try {
      await record(deps, req, reply)
    } catch (error) {
      deps.logger.error(
        { err: error, stationId: req.stationId, action: req.action },
        'station answer not recorded',
      )
    }
  }
}

async function record(deps: RecorderDeps, req: CommandRequest, reply: OcppReply): Promise<void> {
  const kind = jobKindOf(req.action)
  if (kind) {
    const requestId = requestIdOf(req.version, req.action, req.payload) ?? (await deps.jobs.nextRequestId())
    const job = await deps.jobs.recordCommand({
      stationId: req.stationId,
      kind,
      requestId,
      request: { action: req.action, payload: req.payload },
      reply,
    })
    // Clearing without reporting (N10) is done once the station accepted it.
    const p = req.payload as { report?: boolean }
    if (kind === 'customer-information' && p.report === false && job.status === 'Accepted') {
      await deps.jobs.report({
        stationId: req.stationId,
        kind,
        requestId,
        status: 'Completed',
        outcome: 'succeeded',
      })
    }
    return
  }
  if (!reply.ok) return
  const answer = reply.payload as Record<string, unknown>
  const now = deps.clock()
  const status = answerStatus(reply)
  switch (req.action) {
    case 'GetVariables':
      await deps.model.write(
        req.stationId,
        getResultWrites((answer as Res<'GetVariables'>).getVariableResult),
        now,
      )
      return
    case 'SetVariables':
      await deps.model.write(
        req.stationId,
        setResultWrites(
          (req.payload as Req<'SetVariables'>).setVariableData,
          (answer as Res<'SetVariables'>).setVariableResult,
        ),
        now,
      )
      return
    case 'GetConfiguration':
      await deps.model.write(
        req.stationId,
        configurationWrites((answer as ResponseOf<'v16', 'GetConfiguration'>).configurationKey ?? []),
        now,
      )
      return
    case 'ChangeConfiguration': {
      const p = req.payload as RequestOf<'v16', 'ChangeConfiguration'>
      await deps.model.write(req.stationId, changeConfigurationWrites(p.key, p.value, status), now)
      return
    }
    case 'SetVariableMonitoring': {
      const sent = (req.payload as Req<'SetVariableMonitoring'>).setMonitoringData
      const results = (answer as Res<'SetVariableMonitoring'>).setMonitoringResult
      // Results come in the order of the request; the value is only in the request.
      const accepted = results.flatMap((r, i) => {
        const d = sent[i]
        return r.status === 'Accepted' && r.id !== undefined && d
          ? [
              {
                id: r.id,
                component: cleanComponent(r.component),
                variable: cleanVariable(r.variable),
                type: r.type,
                value: d.value,
                severity: r.severity,
                transaction: d.transaction ?? false,
                kind: 'CustomMonitor',
              },
            ]
          : []
      })
      await deps.monitoring.upsertMonitors(req.stationId, accepted, 'set', now)
      return
    }
    case 'ClearVariableMonitoring': {
      const results = (answer as Res<'ClearVariableMonitoring'>).clearMonitoringResult
      const gone = results.filter((r) => r.status === 'Accepted' || r.status === 'NotFound').map((r) => r.id)
      await deps.monitoring.deleteMonitors(req.stationId, gone)
      return
    }
    case 'SetMonitoringBase':
      if (status === 'Accepted')
        await deps.monitoring.applyMonitoringBase(
          req.stationId,
          (req.payload as Req<'SetMonitoringBase'>).monitoringBase,
        )
      return
    case 'SetMonitoringLevel':
      if (status === 'Accepted')
        await deps.monitoring.setMonitoringLevel(
          req.stationId,
          (req.payload as Req<'SetMonitoringLevel'>).severity,
        )
      return
    case 'SetDisplayMessage':
      if (status === 'Accepted')
        await deps.displays.upsert(
          req.stationId,
          [(req.payload as Req<'SetDisplayMessage'>).message],
          'set',
          now,
        )
      return
    case 'UnpublishFirmware':
      await deps.jobs.unpublished(req.stationId, (req.payload as Req<'UnpublishFirmware'>).checksum, status)
      return
    case 'ClearDisplayMessage':
      if (status === 'Accepted' || status === 'Unknown')
        await deps.displays.remove(req.stationId, (req.payload as Req<'ClearDisplayMessage'>).id)
      return
    default:
      return
  }
}
