import { type DomainEvent, decodeJson, EVENTS_STREAM } from '@csms/bus'
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'

/** Collects the domain events published from now on matching `filter` (e.g. evt.device.event.>). */
export async function collectEvents(nc: NatsConnection, filter: string) {
  const jsm = await jetstreamManager(nc)
  const info = await jsm.streams.info(EVENTS_STREAM)
  const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, {
    filter_subjects: filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: info.state.last_seq + 1,
  })
  const events: DomainEvent[] = []
  const messages = await consumer.consume()
  void (async () => {
    for await (const m of messages) events.push(decodeJson(m.data) as DomainEvent)
  })()
  return { events, stop: () => messages.close() }
}
