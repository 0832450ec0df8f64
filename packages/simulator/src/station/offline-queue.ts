import type { CallOutcome } from '../net/ocpp-connection.js'

/** A message waiting for the connection; built when it is finally sent (1.6 ids arrive late). */
export type QueuedMessage = {
  action: string
  /** `offline` is true when the message waited for a reconnect; undefined drops the message. */
  build: (offline: boolean) => unknown
  onResult?: (outcome: CallOutcome) => void
  /** Set once the message had to wait: it is then flagged offline when sent (2.x). */
  waited: boolean
}

/**
 * Transaction messages a station keeps while it cannot reach the CSMS and replays, in order,
 * once it is back (OCPP 2.0.1 E04, 1.6 §4.8). Bounded: the oldest message goes first when full.
 */
export class OfflineQueue {
  private readonly items: QueuedMessage[] = []

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.items.length
  }

  /** Returns the message that had to be dropped to make room, if any. */
  push(m: QueuedMessage): QueuedMessage | undefined {
    m.waited = true
    this.items.push(m)
    return this.items.length > this.limit ? this.items.shift() : undefined
  }

  /** Puts back a message whose send was cut off by a disconnect. */
  unshift(m: QueuedMessage): void {
    this.items.unshift(m)
  }

  shift(): QueuedMessage | undefined {
    return this.items.shift()
  }

  drain(): QueuedMessage[] {
    return this.items.splice(0)
  }
}
