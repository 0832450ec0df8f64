import {
  getStationRpc,
  isAppError,
  listStationsRpc,
  serveRpc,
  setRegistrationRpc,
  upsertStationRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { StationCaller } from '../commands/station-caller.js'
import { type BootPolicy, decideBoot } from '../domain/boot-policy.js'
import { type PublishFact, publishStationSiteFact } from '../events/device-facts.js'
import { answerStatus } from '../jobs/job-tracker.js'
import type { StationRepo } from '../repo/station-repo.js'

/** The station registry as the operator API sees it. */
export function serveStationRpc(deps: {
  nc: NatsConnection
  repo: StationRepo
  caller: StationCaller
  policy: BootPolicy
  publish: PublishFact
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
        const before = siteId === undefined ? null : await deps.repo.get(stationId)
        await deps.repo.upsertRegistration(stationId, siteId, labels)
        const station = await deps.repo.get(stationId)
        if (!station) throw new Error(`station ${stationId} vanished after upsert`)
        // Smart charging balances by site: it learns of the move now, not at the next connection.
        if (siteId !== undefined)
          await publishStationSiteFact(deps.publish, {
            stationId,
            siteId: station.siteId,
            previousSiteId: before?.siteId ?? null,
          })
        return { station }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      setRegistrationRpc,
      async ({ stationId, status, triggerBoot }) => {
        const before = await deps.repo.get(stationId)
        await deps.repo.setRegistrationPolicy(stationId, status)
        // B02: a Pending station is told to boot again once its answer changes, so it need not
        // wait out its retry interval. Not gated on the online flag: it follows the gateway's
        // connected fact, which may still be on its way when a station that just booted is
        // accepted; a station that is not connected answers StationOffline at once.
        const next = decideBoot(
          { registered: before?.registered ?? false, policy: status },
          deps.policy,
        ).status
        const triggerStatus =
          triggerBoot !== false && before?.registrationStatus === 'Pending' && next !== 'Pending'
            ? await triggerBootNotification(deps.caller, stationId)
            : null
        const station = await deps.repo.get(stationId)
        if (!station) throw new Error(`station ${stationId} vanished after update`)
        return { station, triggerStatus }
      },
      opts,
    ),
  ]
}

/** TriggerMessage BootNotification: the station's answer status, StationOffline or NoResponse. */
async function triggerBootNotification(caller: StationCaller, stationId: string): Promise<string> {
  const version = await caller.versionOf(stationId).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'station_offline') return null
    throw error
  })
  if (version === null) return 'StationOffline'
  const outcome = await caller.call({
    stationId,
    version,
    action: 'TriggerMessage',
    payload: { requestedMessage: 'BootNotification' },
  })
  return outcome.ok ? answerStatus(outcome.reply) : outcome.status
}
