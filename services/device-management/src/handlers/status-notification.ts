import { defineHandler } from '@csms/bus'
import type { StationRepo } from '../repo/station-repo.js'
import type { Clock } from './clock.js'

/** StatusNotification per EVSE and connector; an older status never overwrites a newer one. */
export function createStatusNotificationHandlers(deps: { repo: StationRepo; clock: Clock }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'StatusNotification',
      async handle({ stationId, payload }) {
        await deps.repo.recordStatus(
          stationId,
          payload.evseId,
          payload.connectorId,
          payload.connectorStatus,
          new Date(payload.timestamp),
        )
        return {}
      },
    })
  // 1.6 has no EVSE: connector N is EVSE N with connector 1, connector 0 the whole station.
  const legacy = defineHandler({
    version: 'v16',
    action: 'StatusNotification',
    async handle({ stationId, payload }) {
      const at = payload.timestamp ? new Date(payload.timestamp) : deps.clock()
      const evseId = payload.connectorId
      await deps.repo.recordStatus(stationId, evseId, evseId === 0 ? 0 : 1, payload.status, at)
      return {}
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
