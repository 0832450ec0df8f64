import { getStationRpc, listStationsRpc, serveRpc, upsertStationRpc } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { StationRepo } from '../repo/station-repo.js'

/** The station registry as the operator API sees it. */
export function serveStationRpc(deps: {
  nc: NatsConnection
  repo: StationRepo
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'device-management', logger: deps.logger }
  return [
    serveRpc(
      deps.nc,
      getStationRpc,
      async ({ stationId }) => ({ station: await deps.repo.get(stationId) }),
      opts,
    ),
    serveRpc(
      deps.nc,
      listStationsRpc,
      async (q) => {
        const stations = await deps.repo.list({
          limit: q.limit + 1,
          ...(q.after === undefined ? {} : { after: q.after }),
          ...(q.connected === undefined ? {} : { connected: q.connected }),
          ...(q.siteId === undefined ? {} : { siteId: q.siteId }),
        })
        const page = stations.slice(0, q.limit)
        return { stations: page, next: stations.length > q.limit ? (page.at(-1)?.id ?? null) : null }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      upsertStationRpc,
      async ({ stationId, siteId, labels }) => {
        await deps.repo.upsertRegistration(stationId, siteId, labels)
        const station = await deps.repo.get(stationId)
        if (!station) throw new Error(`station ${stationId} vanished after upsert`)
        return { station }
      },
      opts,
    ),
  ]
}
