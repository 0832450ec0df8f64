import { EVENTS_STREAM, eventSubject } from '@csms/bus'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'

/**
 * How many facts of each kind CSMS_EVENTS holds for a station. Facts are acknowledged by
 * JetStream before the station is answered, so after the last answer this is final.
 */
export async function factCounts(nc: NatsConnection, stationId: string): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc)
  const info = await jsm.streams.info(EVENTS_STREAM, { subjects_filter: 'evt.transaction.>' })
  const counts: Record<string, number> = {}
  for (const kind of ['started', 'updated', 'ended', 'meter', 'reservation']) {
    const n = info.state.subjects?.[eventSubject('transaction', kind, stationId)] ?? 0
    if (n > 0) counts[kind] = n
  }
  return counts
}
