import { AppError, callRpc, checkStartProfileRpc, isAppError, type StartProfileCheckResult } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { NatsConnection } from '@nats-io/nats-core'

// K05: a remote start's chargingProfile is checked by smart charging, which owns the charging-
// profile rules, before the start is sent. Without its answer the start is not sent: an
// unchecked profile could override a balanced site's allocation.

/** Resolves when the start may be sent; throws invalid_input (naming each rule) or unavailable. */
export type StartProfileCheck = (
  stationId: string,
  version: OcppVersion,
  payload: Record<string, unknown>,
) => Promise<void>

export const REMOTE_START_ACTIONS: ReadonlySet<string> = new Set([
  'RequestStartTransaction',
  'RemoteStartTransaction',
])

export function createStartProfileCheck(deps: { nc: NatsConnection; timeoutMs: number }): StartProfileCheck {
  return async (stationId, version, payload) => {
    const chargingProfile = payload.chargingProfile as Record<string, unknown> | undefined
    if (chargingProfile === undefined) return
    const evseId = (version === 'v16' ? payload.connectorId : payload.evseId) as number | undefined
    let result: StartProfileCheckResult
    try {
      result = await callRpc(
        deps.nc,
        checkStartProfileRpc,
        { stationId, version, chargingProfile, ...(evseId === undefined ? {} : { evseId }) },
        { timeoutMs: deps.timeoutMs },
      )
    } catch (error) {
      if (isAppError(error) && (error.code === 'unavailable' || error.code === 'timeout')) {
        throw new AppError(
          'unavailable',
          `smart charging did not check the chargingProfile (${error.message}): the start was not sent`,
          { cause: error },
        )
      }
      throw error
    }
    if (!result.ok) {
      const message = result.violations.map((v) => `${v.rule}: ${v.message}`).join('; ')
      throw new AppError('invalid_input', message, { details: { violations: result.violations } })
    }
  }
}
