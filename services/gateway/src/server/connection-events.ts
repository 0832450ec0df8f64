import { eventSubject, type PublishFact, type StationConnected, type StationDisconnected } from '@csms/bus'
import type { Logger } from '@csms/telemetry'

/**
 * Publishes station.connected / station.disconnected to CSMS_EVENTS (device-management keeps the
 * online flag from them) and remembers the publishes still awaiting JetStream's ack, so that a
 * draining pod does not close NATS under the last disconnect events. Publishes go through the
 * pod's fact publisher (one reply subscription): a reconnect storm is two facts per station.
 */
export class ConnectionEvents {
  private readonly pending = new Set<Promise<void>>()

  constructor(
    private readonly publishFact: PublishFact,
    private readonly logger: Logger,
  ) {}

  connected(fact: StationConnected): void {
    this.publish('connected', fact.stationId, fact.connectionId, fact)
  }

  disconnected(fact: StationDisconnected): void {
    this.publish('disconnected', fact.stationId, fact.connectionId, fact)
  }

  private publish(
    kind: 'connected' | 'disconnected',
    stationId: string,
    connectionId: string,
    data: unknown,
  ): void {
    const event = { type: `station.${kind}`, stationId, time: new Date().toISOString(), data }
    const p = this.publishFact(eventSubject('station', kind, stationId), event, `${connectionId}:${kind}`)
      .catch((error: unknown) =>
        this.logger.error({ err: error, stationId }, `could not publish station.${kind}`),
      )
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  /** Resolves when every publish so far has been acknowledged or has failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending])
  }
}
