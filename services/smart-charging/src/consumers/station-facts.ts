import { type ConsumerHandle, consumeEvents, EVENTS_STREAM, StationConnectedSchema } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { Balancer } from '../balancer/balancer.js'

/** A station that (re)connects gets its TxDefaultProfile, and what was held for it is retried. */
export function consumeStationFacts(deps: {
  js: JetStreamClient
  jsm: JetStreamManager
  balancer: Balancer
  logger: Logger
}): Promise<ConsumerHandle> {
  return consumeEvents({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable: 'smart-charging-stations',
    filterSubject: 'evt.station.connected.>',
    logger: deps.logger,
    async handle(event) {
      const fact = StationConnectedSchema.safeParse(event.data)
      // Old connections replayed after a restart need nothing.
      if (!fact.success || Date.now() - Date.parse(fact.data.at) > 300_000) return
      deps.balancer.onStationConnected(fact.data.stationId)
    },
  })
}
