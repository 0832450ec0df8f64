import {
  type ConsumerHandle,
  consumeEvents,
  EVENTS_STREAM,
  StationConnectedSchema,
  StationDisconnectedSchema,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { StationRepo } from '../repo/station-repo.js'

/** Keeps each station's online flag from the gateway's connected/disconnected facts. */
export function consumeConnectionEvents(deps: {
  js: JetStreamClient
  jsm: JetStreamManager
  repo: StationRepo
  logger: Logger
}): Promise<ConsumerHandle> {
  return consumeEvents({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable: 'device-management-connections',
    filterSubject: 'evt.station.>',
    logger: deps.logger,
    async handle(event) {
      if (event.type === 'station.connected') {
        const fact = StationConnectedSchema.parse(event.data)
        await deps.repo.markConnected({ ...fact, at: new Date(fact.at) })
      } else if (event.type === 'station.disconnected') {
        const fact = StationDisconnectedSchema.parse(event.data)
        await deps.repo.markDisconnected({ ...fact, at: new Date(fact.at) })
      }
    },
  })
}
