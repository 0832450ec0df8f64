import {
  type ConsumerHandle,
  consumeEventBatches,
  EVENTS_STREAM,
  type EventBatchItem,
  StationConnectedSchema,
  StationDisconnectedSchema,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { ConnectionFact } from '../repo/station-repo.js'
import type { StationWrites } from '../repo/station-writes.js'

/** Sorts a batch of the gateway's facts into the connected and disconnected ones. */
export function connectionFactsOf(items: readonly EventBatchItem[]): {
  connected: ConnectionFact[]
  disconnected: ConnectionFact[]
} {
  const connected: ConnectionFact[] = []
  const disconnected: ConnectionFact[] = []
  for (const { event } of items) {
    if (event.type === 'station.connected') {
      const fact = StationConnectedSchema.parse(event.data)
      connected.push({ ...fact, at: new Date(fact.at) })
    } else if (event.type === 'station.disconnected') {
      const fact = StationDisconnectedSchema.parse(event.data)
      disconnected.push({ ...fact, at: new Date(fact.at) })
    }
  }
  return { connected, disconnected }
}

/**
 * Keeps each station's online flag from the gateway's connected/disconnected facts, a batch
 * of facts at a time (a reconnect storm is thousands of them in a second): two statements per
 * batch instead of one per fact.
 */
export function consumeConnectionEvents(deps: {
  js: JetStreamClient
  jsm: JetStreamManager
  writes: Pick<StationWrites, 'applyConnections'>
  logger: Logger
  maxBatch?: number
}): Promise<ConsumerHandle> {
  return consumeEventBatches({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable: 'device-management-connections',
    filterSubject: 'evt.station.>',
    logger: deps.logger,
    maxBatch: deps.maxBatch ?? 500,
    handle: (items) => deps.writes.applyConnections(connectionFactsOf(items)),
  })
}
