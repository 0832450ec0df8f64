import {
  type ConsumerHandle,
  consumeEvents,
  type DomainEvent,
  EVENTS_STREAM,
  StationConnectedSchema,
  StationSiteFactSchema,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { Balancer } from '../balancer/balancer.js'

type Deps = { js: JetStreamClient; jsm: JetStreamManager; balancer: Balancer; logger: Logger }

const consume = (
  deps: Deps,
  durable: string,
  filterSubject: string,
  handle: (e: DomainEvent) => Promise<void>,
) =>
  consumeEvents({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable,
    filterSubject,
    logger: deps.logger,
    handle,
  })

/** A station that (re)connects gets its TxDefaultProfile, and what was held for it is retried. */
export function consumeStationFacts(deps: Deps): Promise<ConsumerHandle> {
  return consume(deps, 'smart-charging-stations', 'evt.station.connected.>', async (event) => {
    const fact = StationConnectedSchema.safeParse(event.data)
    // Old connections replayed after a restart need nothing.
    if (!fact.success || Date.now() - Date.parse(fact.data.at) > 300_000) return
    deps.balancer.onStationConnected(fact.data.stationId)
  })
}

/**
 * The operator put a station in another site (device management's registry): the balancer
 * moves it as for a placement, so a station that left every balanced site loses the balancer's
 * profiles now, not at its next connection.
 */
export function consumeStationSiteFacts(deps: Deps): Promise<ConsumerHandle> {
  return consume(deps, 'smart-charging-station-sites', 'evt.device.site.>', async (event) => {
    const fact = StationSiteFactSchema.safeParse(event.data)
    if (fact.success) await deps.balancer.onPlacementChanged(fact.data.stationId)
  })
}
