import { actionInfo, type OcppVersion, validateRequest } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { z } from 'zod'
import { AppError } from './app-error.js'
import type { OcppReply } from './nats-payload.js'
import { defineRpc, serveRpc } from './rpc.js'
import { callStation } from './station-call.js'
import type { ServiceName } from './subjects.js'

// An operator's CSMS-initiated call goes API → owning service → station, so the owner records
// what the station answered (ARCHITECTURE.md decision 3).

export const CommandRequestSchema = z.object({
  stationId: z.string(),
  version: z.enum(['v16', 'v201', 'v21']),
  action: z.string(),
  payload: z.unknown(),
  timeoutMs: z.number().int().min(100).max(300_000).optional(),
})
export type CommandRequest = z.infer<typeof CommandRequestSchema>

export const CommandResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), payload: z.unknown() }),
  z.object({ ok: z.literal(false), code: z.string(), description: z.string(), details: z.unknown() }),
])

export function commandRpc(service: ServiceName) {
  return defineRpc(service, 'command', CommandRequestSchema, CommandResultSchema)
}

/**
 * What is left of a caller's deadline for the station once the work since `since` took its
 * share: the operator API waits timeoutMs (plus a small margin) for the whole command.
 */
export function remainingMs(timeoutMs: number | undefined, since: number): number | undefined {
  return timeoutMs === undefined ? undefined : Math.max(100, timeoutMs - (Date.now() - since))
}

export type CommandRecorder = (req: CommandRequest, reply: OcppReply) => Promise<void>

/**
 * Serves `svc.<service>.command` for the actions this service owns: validates the payload
 * against the station's protocol version, lets the service check it (`beforeSend`: throw an
 * AppError to refuse, e.g. invalid_input naming the rules broken), sends the CALL within what is
 * left of the command's deadline, lets the service record the answer.
 */
export function serveCommands(opts: {
  nc: NatsConnection
  service: ServiceName
  owns: (version: OcppVersion, action: string) => boolean
  beforeSend?: (req: CommandRequest, payload: Record<string, unknown>) => Promise<void>
  record?: CommandRecorder
  logger: Logger
}): Subscription {
  return serveRpc(
    opts.nc,
    commandRpc(opts.service),
    async (req) => {
      const info = actionInfo(req.version, req.action)
      if (!info || info.sender === 'station' || !opts.owns(req.version, req.action)) {
        throw new AppError('invalid_input', `${opts.service} does not send ${req.action} (${req.version})`)
      }
      const checked = validateRequest(req.version, req.action, req.payload)
      if (!checked.ok)
        throw new AppError('invalid_input', checked.error.description, { details: checked.error })
      const payload = checked.value as Record<string, unknown>
      const since = Date.now()
      await opts.beforeSend?.(req, payload)
      const timeoutMs = remainingMs(req.timeoutMs, since)
      const reply = await callStation(opts.nc, {
        stationId: req.stationId,
        action: req.action,
        payload,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      })
      await opts.record?.({ ...req, payload }, reply)
      return reply
    },
    { queue: opts.service, logger: opts.logger },
  )
}
