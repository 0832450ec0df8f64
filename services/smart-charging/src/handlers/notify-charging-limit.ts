import { defineHandler } from '@csms/bus'
import type { ScheduleLike } from '../domain/charging-profile.js'
import { type ChargingLimitDeps, publishExternalLimit } from './external-limit-event.js'

/**
 * NotifyChargingLimit (K11, K12): an energy management system or the grid operator limits the
 * station (evseId absent or 0) or one EVSE. Stored per source; the balancer treats it as a cap.
 */
export function createNotifyChargingLimitHandlers(deps: ChargingLimitDeps) {
  const make = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyChargingLimit',
      async handle({ stationId, payload }) {
        const evseId = payload.evseId ?? 0
        const source = payload.chargingLimit.chargingLimitSource
        const schedules = (payload.chargingSchedule ?? []) as unknown as ScheduleLike[]
        await deps.profiles.setExternalLimit({
          stationId,
          evseId,
          source,
          isGridCritical: payload.chargingLimit.isGridCritical ?? null,
          schedules,
          setAt: new Date(),
        })
        await publishExternalLimit(deps, stationId, {
          evseId,
          source,
          isGridCritical: payload.chargingLimit.isGridCritical ?? null,
          schedules,
          cleared: false,
        })
        await deps.balancer.onExternalLimits(stationId)
        return {}
      },
    })
  return [make('v201'), make('v21')]
}
