import { createGroupCommit, defineHandler, type GroupCommitOptions } from '@csms/bus'
import type { StationWrites } from '../repo/station-writes.js'
import type { Clock } from './clock.js'

type Deps = { writes: Pick<StationWrites, 'touchMany'>; clock: Clock; commit: GroupCommitOptions }

/** Heartbeat: answer the CSMS time (UTC, with offset) and note the station is alive (in groups). */
export function createHeartbeatHandlers(deps: Deps) {
  const commit = createGroupCommit<{ stationId: string; at: Date }, void>(async (touches) => {
    await deps.writes.touchMany(touches)
    return touches.map(() => undefined)
  }, deps.commit)
  const answer = async (stationId: string) => {
    const now = deps.clock()
    await commit.submit({ stationId, at: now })
    return { currentTime: now.toISOString() }
  }
  return [
    defineHandler({ version: 'v201', action: 'Heartbeat', handle: ({ stationId }) => answer(stationId) }),
    defineHandler({ version: 'v21', action: 'Heartbeat', handle: ({ stationId }) => answer(stationId) }),
    defineHandler({ version: 'v16', action: 'Heartbeat', handle: ({ stationId }) => answer(stationId) }),
  ]
}
