import { setTimeout as delay } from 'node:timers/promises'
import { eventSubject, type PublishFact, type StationConnected, type StationDisconnected } from '@csms/bus'
import type { Logger } from '@csms/telemetry'

/** Waits between attempts at a fact JetStream did not acknowledge: 250 ms doubling to 5 s. */
const retryDelayMs = (attempt: number) => Math.min(5_000, 250 * 2 ** attempt)

/**
 * Publishes station.connected / station.disconnected to CSMS_EVENTS (device-management keeps the
 * online flag from them) through the pod's fact publisher (one reply subscription: a reconnect
 * storm is two facts per station). A fact JetStream did not acknowledge (NATS down, restarting)
 * is published again until it is, with the same dedupe id, and a socket's disconnected fact
 * waits for its connected one: device-management ignores a disconnect of a socket it does not
 * know yet, so the other order would leave the station online. `settled` lets a draining pod
 * wait for the last facts before NATS closes; `stop` ends the retries.
 */
export class ConnectionEvents {
  private readonly pending = new Set<Promise<void>>()
  /** The connected fact of each socket while it is being published. */
  private readonly connecting = new Map<string, Promise<void>>()
  private stopped = false

  constructor(
    private readonly publishFact: PublishFact,
    private readonly logger: Logger,
  ) {}

  connected(fact: StationConnected): void {
    const p = this.publish('connected', fact.stationId, fact.connectionId, fact)
    this.connecting.set(fact.connectionId, p)
    void p.then(() => {
      if (this.connecting.get(fact.connectionId) === p) this.connecting.delete(fact.connectionId)
    })
  }

  disconnected(fact: StationDisconnected): void {
    const after = this.connecting.get(fact.connectionId)
    void this.publish('disconnected', fact.stationId, fact.connectionId, fact, after)
  }

  /** Never rejects: failures are retried, and logged once retries stopped. */
  private publish(
    kind: 'connected' | 'disconnected',
    stationId: string,
    connectionId: string,
    data: unknown,
    after?: Promise<void>,
  ): Promise<void> {
    const event = { type: `station.${kind}`, stationId, time: new Date().toISOString(), data }
    const subject = eventSubject('station', kind, stationId)
    const p = (async () => {
      await after
      for (let attempt = 0; ; attempt++) {
        try {
          await this.publishFact(subject, event, `${connectionId}:${kind}`)
          return
        } catch (error) {
          if (this.stopped) {
            this.logger.error({ err: error, stationId }, `could not publish station.${kind}`)
            return
          }
          if (attempt === 0)
            this.logger.warn(
              { err: error, stationId },
              `station.${kind} not acknowledged, publishing it again`,
            )
          // Unreferenced: a retry never keeps a stopping process alive.
          await delay(retryDelayMs(attempt), undefined, { ref: false })
        }
      }
    })().finally(() => this.pending.delete(p))
    this.pending.add(p)
    return p
  }

  /** Resolves when every publish so far has been acknowledged or has failed for good. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending])
  }

  /** No more retries: a fact failing from now on is logged and dropped. */
  stop(): void {
    this.stopped = true
  }
}
