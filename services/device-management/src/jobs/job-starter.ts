import { AppError, type Firmware, type JobKind, type JobSummary } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { StationCaller } from '../commands/station-caller.js'
import { answerStatus, type JobTracker } from './job-tracker.js'

type Built = { action: string; payload: Record<string, unknown> }

export type FirmwareRequest = {
  firmware: Firmware
  retries?: number | undefined
  retryInterval?: number | undefined
}
export type LogRequest = {
  logType: 'DiagnosticsLog' | 'SecurityLog'
  remoteLocation: string
  oldestTimestamp?: string | undefined
  latestTimestamp?: string | undefined
  retries?: number | undefined
  retryInterval?: number | undefined
}
export type ReportRequest = {
  reportBase?: 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory' | undefined
  componentVariable?: unknown[] | undefined
  componentCriteria?: string[] | undefined
}

export type JobStarter = ReturnType<typeof createJobStarter>

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, unknown>

/**
 * Jobs the CSMS starts itself with a requestId it picks: the job is stored before the request
 * leaves, so the station's first notification always finds it. Locations the operator gives
 * (firmware, log upload) are passed to the station as given; the CSMS never fetches them.
 */
export function createJobStarter(deps: { caller: StationCaller; jobs: JobTracker; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date())

  async function start(
    stationId: string,
    kind: JobKind,
    build: (version: OcppVersion, requestId: number) => Built,
    opts: { timeoutMs?: number | undefined; campaignId?: string | undefined },
  ): Promise<JobSummary> {
    const version = await deps.caller.versionOf(stationId)
    const requestId = await deps.jobs.nextRequestId()
    const { action, payload } = build(version, requestId)
    deps.caller.check(version, action, payload)
    const job = await deps.jobs.open({
      stationId,
      kind,
      requestId,
      request: { action, payload },
      campaignId: opts.campaignId ?? null,
    })
    const outcome = await deps.caller.call({ stationId, version, action, payload, timeoutMs: opts.timeoutMs })
    if (!outcome.ok) return deps.jobs.answered(job.id, outcome.status, { message: outcome.message })
    const reply = outcome.reply
    return deps.jobs.answered(
      job.id,
      answerStatus(reply),
      reply.ok ? reply.payload : { code: reply.code, description: reply.description },
    )
  }

  return {
    /** UpdateFirmware (L01 signed, L02); 1.6: UpdateFirmware, or SignedUpdateFirmware when signed. */
    firmware(stationId: string, r: FirmwareRequest, opts: { timeoutMs?: number; campaignId?: string } = {}) {
      return start(
        stationId,
        'firmware',
        (version, requestId) => {
          const retrieveDateTime = r.firmware.retrieveDateTime ?? clock().toISOString()
          const firmware = defined({ ...r.firmware, retrieveDateTime })
          const retry = defined({ retries: r.retries, retryInterval: r.retryInterval })
          if (version !== 'v16')
            return { action: 'UpdateFirmware', payload: { requestId, firmware, ...retry } }
          if (r.firmware.signature !== undefined || r.firmware.signingCertificate !== undefined) {
            return { action: 'SignedUpdateFirmware', payload: { requestId, firmware, ...retry } }
          }
          return {
            action: 'UpdateFirmware',
            payload: { location: r.firmware.location, retrieveDate: retrieveDateTime, ...retry },
          }
        },
        opts,
      )
    },

    /** GetLog (N01); 1.6: GetDiagnostics for the diagnostics log, GetLog for the security log. */
    log(stationId: string, r: LogRequest, opts: { timeoutMs?: number } = {}) {
      return start(
        stationId,
        'log',
        (version, requestId) => {
          const retry = defined({ retries: r.retries, retryInterval: r.retryInterval })
          if (version === 'v16' && r.logType === 'DiagnosticsLog') {
            return {
              action: 'GetDiagnostics',
              payload: defined({
                location: r.remoteLocation,
                startTime: r.oldestTimestamp,
                stopTime: r.latestTimestamp,
                ...retry,
              }),
            }
          }
          const log = defined({
            remoteLocation: r.remoteLocation,
            oldestTimestamp: r.oldestTimestamp,
            latestTimestamp: r.latestTimestamp,
          })
          return { action: 'GetLog', payload: { requestId, logType: r.logType, log, ...retry } }
        },
        opts,
      )
    },

    /** GetBaseReport (B07), or GetReport (B08) when components or criteria narrow it. */
    report(stationId: string, r: ReportRequest, opts: { timeoutMs?: number } = {}) {
      return start(
        stationId,
        'report',
        (version, requestId) => {
          if (version === 'v16')
            throw new AppError('invalid_input', '1.6 stations have no device model: use GetConfiguration')
          if (r.componentVariable || r.componentCriteria) {
            return {
              action: 'GetReport',
              payload: defined({
                requestId,
                componentVariable: r.componentVariable,
                componentCriteria: r.componentCriteria,
              }),
            }
          }
          return {
            action: 'GetBaseReport',
            payload: { requestId, reportBase: r.reportBase ?? 'FullInventory' },
          }
        },
        opts,
      )
    },
  }
}
