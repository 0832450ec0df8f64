import { AppError, callStation, commandRpc, ownerOf, serveRpc } from '@csms/bus'
import { actionInfo, validateRequest } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { type ProfileOperations, violationsMessage } from './profile-operations.js'

/**
 * `svc.smart-charging.command`: an operator's SetChargingProfile, ClearChargingProfile,
 * GetChargingProfiles or GetCompositeSchedule through POST /v1/stations/{id}/commands/{Action}.
 * Like the shared relay, plus the spec's rules before sending (a violation comes back as
 * invalid_input naming the requirement, a 400) and the answer stored afterwards.
 */
export function serveProfileCommands(deps: {
  nc: NatsConnection
  ops: ProfileOperations
  logger: Logger
}): Subscription {
  return serveRpc(
    deps.nc,
    commandRpc('smart-charging'),
    async (req) => {
      const info = actionInfo(req.version, req.action)
      if (!info || info.sender === 'station' || ownerOf(req.action) !== 'smart-charging') {
        throw new AppError('invalid_input', `smart-charging does not send ${req.action} (${req.version})`)
      }
      const checked = validateRequest(req.version, req.action, req.payload)
      if (!checked.ok)
        throw new AppError('invalid_input', checked.error.description, { details: checked.error })
      const payload = checked.value as Record<string, unknown>
      const violations = await deps.ops.check(req.stationId, req.version, req.action, payload)
      if (violations.length > 0) {
        throw new AppError('invalid_input', violationsMessage(violations), { details: { violations } })
      }
      const reply = await callStation(deps.nc, {
        stationId: req.stationId,
        action: req.action,
        payload,
        ...(req.timeoutMs === undefined ? {} : { timeoutMs: req.timeoutMs }),
      })
      await deps.ops
        .recordReply(req.stationId, req.version, req.action, payload, reply)
        .catch((error) => deps.logger.warn({ err: error, action: req.action }, 'could not store the answer'))
      return reply
    },
    { queue: 'smart-charging', logger: deps.logger },
  )
}
