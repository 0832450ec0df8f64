import { defineHandler } from '@csms/bus'
import { type ChargingLimitDeps, publishExternalLimit } from './external-limit-event.js'

/** ClearedChargingLimit (K13): the external limit of that source is released. */
export function createClearedChargingLimitHandlers(deps: ChargingLimitDeps) {
  const make = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'ClearedChargingLimit',
      async handle({ stationId, payload }) {
        await deps.profiles.clearExternalLimit(
          stationId,
          payload.chargingLimitSource,
          payload.evseId,
          new Date(),
        )
        await publishExternalLimit(deps, stationId, {
          evseId: payload.evseId ?? 0,
          source: payload.chargingLimitSource,
          cleared: true,
        })
        await deps.balancer.onExternalLimits(stationId)
        return {}
      },
    })
  return [make('v201'), make('v21')]
}
