import { type ConsumerHandle, consumeEventBatches, EVENTS_STREAM, StationConnectedSchema } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { Clock } from '../domain/clock.js'
import type { LocalListSync } from '../local-list/local-list-sync.js'
import type { ConnectionRecord, StationConnectionsRepo } from '../repo/station-connections-repo.js'

/**
 * Listens to the gateway's station.connected facts: records each station's protocol (for the
 * calls auth sends) and reconciles its local list after the boot (GetLocalListVersion, then a
 * full or differential update). The station gets `delayMs` to finish its BootNotification
 * first. Old facts replayed to a new consumer record the protocol but send nothing.
 *
 * Facts are handled a batch at a time (a reconnect storm is thousands per second): one upsert
 * for the batch, and one lookup of which stations have a local list at all; only those are
 * scheduled, so a station without a list costs no query later.
 */
export function consumeStationConnections(deps: {
  js: JetStreamClient
  jsm: JetStreamManager
  stations: Pick<StationConnectionsRepo, 'recordConnections' | 'withLocalLists'>
  sync: Pick<LocalListSync, 'schedule'>
  delayMs: number
  maxAgeMs: number
  clock: Clock
  logger: Logger
  maxBatch?: number
}): Promise<ConsumerHandle> {
  return consumeEventBatches({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable: 'auth-station-connections',
    filterSubject: 'evt.station.connected.>',
    logger: deps.logger,
    maxBatch: deps.maxBatch ?? 500,
    async handle(items) {
      const facts: ConnectionRecord[] = []
      for (const { event } of items) {
        const fact = StationConnectedSchema.safeParse(event.data)
        if (fact.success)
          facts.push({
            stationId: fact.data.stationId,
            protocol: fact.data.protocol,
            at: new Date(fact.data.at),
          })
      }
      await deps.stations.recordConnections(facts)
      const now = deps.clock().getTime()
      const recent = facts.filter((f) => now - f.at.getTime() <= deps.maxAgeMs).map((f) => f.stationId)
      if (recent.length === 0) return
      const withLists = await deps.stations.withLocalLists(recent)
      for (const stationId of new Set(recent)) {
        if (withLists.has(stationId))
          deps.sync.schedule(stationId, { reconcile: true, delayMs: deps.delayMs })
      }
    },
  })
}
