import { createGroupCommit, defineHandler, type GroupCommitOptions } from '@csms/bus'
import type { StationWrites, StatusWrite } from '../repo/station-writes.js'
import type { Clock } from './clock.js'

type Deps = { writes: Pick<StationWrites, 'recordStatuses'>; clock: Clock; commit: GroupCommitOptions }

/**
 * StatusNotification per EVSE and connector; an older status never overwrites a newer one.
 * The burst after a boot (one per connector) is written in groups, each answered after commit.
 */
export function createStatusNotificationHandlers(deps: Deps) {
  const commit = createGroupCommit<StatusWrite, void>(async (statuses) => {
    await deps.writes.recordStatuses(statuses)
    return statuses.map(() => undefined)
  }, deps.commit)
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'StatusNotification',
      async handle({ stationId, payload }) {
        await commit.submit({
          stationId,
          evseId: payload.evseId,
          connectorId: payload.connectorId,
          status: payload.connectorStatus,
          at: new Date(payload.timestamp),
          seenAt: deps.clock(),
        })
        return {}
      },
    })
  // 1.6 has no EVSE: connector N is EVSE N with connector 1, connector 0 the whole station.
  const legacy = defineHandler({
    version: 'v16',
    action: 'StatusNotification',
    async handle({ stationId, payload }) {
      const seenAt = deps.clock()
      const at = payload.timestamp ? new Date(payload.timestamp) : seenAt
      const evseId = payload.connectorId
      await commit.submit({
        stationId,
        evseId,
        connectorId: evseId === 0 ? 0 : 1,
        status: payload.status,
        at,
        seenAt,
      })
      return {}
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
