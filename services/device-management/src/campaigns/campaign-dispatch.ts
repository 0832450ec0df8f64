import type { ConfigurationItem, Firmware } from '@csms/bus'
import type { StationCaller } from '../commands/station-caller.js'
import { configurationOutcome } from '../domain/campaign-policy.js'
import type { JobStarter } from '../jobs/job-starter.js'
import { answerStatus } from '../jobs/job-tracker.js'

/** What happened to one station: done, failed, or waiting for its job to end. */
export type DispatchResult =
  | { state: 'succeeded' | 'failed'; error: string | null; jobId?: string }
  | { state: 'running'; jobId: string }

export type FirmwarePayload = { firmware: Firmware; retries?: number; retryInterval?: number }
export type ConfigurationPayload = { variables: ConfigurationItem[] }

/** UpdateFirmware as a job of the campaign; the job's end ends the station's part. */
export async function dispatchFirmware(
  starter: JobStarter,
  campaignId: string,
  stationId: string,
  payload: FirmwarePayload,
): Promise<DispatchResult> {
  const job = await starter.firmware(stationId, payload, { campaignId })
  if (job.outcome === 'open') return { state: 'running', jobId: job.id }
  return { state: job.outcome, error: job.outcome === 'failed' ? job.status : null, jobId: job.id }
}

/**
 * SetVariables (1.6: one ChangeConfiguration per key, the variable name being the key); the
 * answers update the stored model like an operator's command.
 */
export async function dispatchConfiguration(
  caller: StationCaller,
  stationId: string,
  payload: ConfigurationPayload,
): Promise<DispatchResult> {
  const version = await caller.versionOf(stationId)
  const statuses: string[] = []
  if (version === 'v16') {
    for (const item of payload.variables) {
      const outcome = await caller.call({
        stationId,
        version,
        action: 'ChangeConfiguration',
        payload: { key: item.variable.name, value: item.value },
        record: true,
      })
      if (!outcome.ok) return { state: 'failed', error: outcome.status }
      statuses.push(answerStatus(outcome.reply))
    }
  } else {
    const setVariableData = payload.variables.map((v) => ({
      component: v.component,
      variable: v.variable,
      attributeValue: v.value,
      ...(v.attributeType === undefined ? {} : { attributeType: v.attributeType }),
    }))
    const outcome = await caller.call({
      stationId,
      version,
      action: 'SetVariables',
      payload: { setVariableData },
      record: true,
    })
    if (!outcome.ok) return { state: 'failed', error: outcome.status }
    const reply = outcome.reply
    if (!reply.ok) return { state: 'failed', error: `CALLERROR:${reply.code}` }
    const results =
      (reply.payload as { setVariableResult?: Array<{ attributeStatus: string }> }).setVariableResult ?? []
    statuses.push(...results.map((r) => r.attributeStatus))
  }
  const verdict = configurationOutcome(statuses)
  return verdict.ok ? { state: 'succeeded', error: null } : { state: 'failed', error: verdict.error }
}
