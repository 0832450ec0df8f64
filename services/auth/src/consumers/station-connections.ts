import { type ConsumerHandle, consumeEvents, EVENTS_STREAM, StationConnectedSchema } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { Clock } from '../domain/clock.js'
import type { LocalListSync } from '../local-list/local-list-sync.js'
import type { StationAuthRepo } from '../repo/station-auth-repo.js'

/**
 * Listens to the gateway's station.connected facts: records each station's protocol (for the
 * calls auth sends) and reconciles its local list after the boot (GetLocalListVersion, then a
 * full or differential update). The station gets `delayMs` to finish its BootNotification
 * first. Old facts replayed to a new consumer record the protocol but send nothing.
 */
export function consumeStationConnections(deps: {
  js: JetStreamClient
  jsm: JetStreamManager
  stations: StationAuthRepo
  sync: LocalListSync
  delayMs: number
  maxAgeMs: number
  clock: Clock
  logger: Logger
}): Promise<ConsumerHandle> {
  return consumeEvents({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable: 'auth-station-connections',
    filterSubject: 'evt.station.connected.>',
    logger: deps.logger,
    async handle(event) {
      const fact = StationConnectedSchema.safeParse(event.data)
      if (!fact.success) return
      const at = new Date(fact.data.at)
      await deps.stations.recordConnection(fact.data.stationId, fact.data.protocol, at)
      if (deps.clock().getTime() - at.getTime() > deps.maxAgeMs) return
      deps.sync.schedule(fact.data.stationId, { reconcile: true, delayMs: deps.delayMs })
    },
  })
}
