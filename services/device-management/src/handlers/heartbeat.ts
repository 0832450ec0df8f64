import { defineHandler } from '@csms/bus'
import type { StationRepo } from '../repo/station-repo.js'
import type { Clock } from './clock.js'

/** Heartbeat: answer the CSMS time (UTC, with offset) and note the station is alive. */
export function createHeartbeatHandlers(deps: { repo: StationRepo; clock: Clock }) {
  const answer = async (stationId: string) => {
    const now = deps.clock()
    await deps.repo.touch(stationId, now)
    return { currentTime: now.toISOString() }
  }
  return [
    defineHandler({ version: 'v201', action: 'Heartbeat', handle: ({ stationId }) => answer(stationId) }),
    defineHandler({ version: 'v21', action: 'Heartbeat', handle: ({ stationId }) => answer(stationId) }),
    defineHandler({ version: 'v16', action: 'Heartbeat', handle: ({ stationId }) => answer(stationId) }),
  ]
}
