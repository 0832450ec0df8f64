import { forwardCall } from './forward-call.js'
import type { StationSession } from './station-session.js'

export type InboundCall = { id: string; action: string; payload: unknown; receivedAt: number }

/**
 * Station CALLs on their way to the owning services, answered strictly in arrival order and one
 * at a time, as OCPP-J intends. The queue is bounded: a station that floods gets CALLERRORs.
 * Each accepted CALL counts as in flight until its answer is written, so a drain waits for it.
 */
export class InboundCalls {
  private readonly queue: InboundCall[] = []
  private forwarding = false

  constructor(private readonly session: StationSession) {}

  accept(call: InboundCall): boolean {
    if (this.queue.length > this.session.ctx.maxQueuedInbound) return false
    this.queue.push(call)
    this.session.ctx.inflight.start()
    if (!this.forwarding) {
      this.forwarding = true
      this.session.ctx.batch(() => void this.pump())
    }
    return true
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.session.closed) {
          // Closed before this CALL left: nobody would read its answer.
          for (const _ of this.queue.splice(0)) this.session.ctx.inflight.end()
          return
        }
        const call = this.queue[0] as InboundCall
        const reply = await forwardCall(this.session, call)
        this.queue.shift()
        try {
          if (!this.session.closed) this.session.answer(call, reply)
        } finally {
          this.session.ctx.inflight.end()
        }
      }
    } finally {
      this.forwarding = false
    }
  }

  /** The socket closed: drop what waits; the CALL being forwarded finishes on its own. */
  clear(): void {
    const dropped = this.queue.splice(this.forwarding ? 1 : 0)
    for (const _ of dropped) this.session.ctx.inflight.end()
  }
}
