import type { Msg } from '@nats-io/transport-node'

/** A CSMS-initiated CALL waiting for, or holding, the station's single outbound slot. */
export type OutboundCall = {
  msg: Msg
  action: string
  payload: unknown
  /** performance.now() after which the requester no longer waits. */
  deadline: number
  id?: string
  startedAt?: number
  timer?: NodeJS.Timeout
}

/**
 * OCPP-J allows one outstanding CALL per direction: further CSMS calls wait here, bounded, so a
 * station that stops answering cannot grow the queue without limit.
 */
export class OutboundQueue {
  private readonly waiting: OutboundCall[] = []
  current: OutboundCall | undefined

  constructor(private readonly maxQueued: number) {}

  /** False when full: the caller answers the requester at once. */
  enqueue(call: OutboundCall): boolean {
    if (this.current && this.waiting.length >= this.maxQueued) return false
    this.waiting.push(call)
    return true
  }

  /** Moves the next call into the slot if the slot is free. */
  take(): OutboundCall | undefined {
    if (this.current || this.waiting.length === 0) return undefined
    this.current = this.waiting.shift()
    return this.current
  }

  /** Frees the slot if it holds the CALL with this message id. */
  release(id: string | undefined): OutboundCall | undefined {
    const done = this.current
    if (!done || done.id !== id) return undefined
    this.current = undefined
    clearTimeout(done.timer)
    return done
  }

  /** Empties slot and queue; the slot's call (if any) comes first. */
  drainAll(): OutboundCall[] {
    const all = this.current ? [this.current, ...this.waiting] : [...this.waiting]
    for (const c of all) clearTimeout(c.timer)
    this.current = undefined
    this.waiting.length = 0
    return all
  }

  get size(): number {
    return this.waiting.length + (this.current ? 1 : 0)
  }
}
