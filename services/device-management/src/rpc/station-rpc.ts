import { getStationRpc, listStationsRpc, serveRpc, setRegistrationRpc, upsertStationRpc } from '@csms/bus'
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
        // wait out its retry interval.
        let triggerStatus: string | null = null
        const next = decideBoot(
          { registered: before?.registered ?? false, policy: status },
          deps.policy,
        ).status
        if (
          triggerBoot !== false &&
          before?.connected &&
          before.registrationStatus === 'Pending' &&
          next !== 'Pending'
        ) {
          const version = await deps.caller.versionOf(stationId)
          const outcome = await deps.caller.call({
            stationId,
            version,
            action: 'TriggerMessage',
            payload: { requestedMessage: 'BootNotification' },
          })
          triggerStatus = outcome.ok ? answerStatus(outcome.reply) : outcome.status
        }
        const station = await deps.repo.get(stationId)
        if (!station) throw new Error(`station ${stationId} vanished after update`)
        return { station, triggerStatus }
      },
      opts,
    ),
  ]
}
