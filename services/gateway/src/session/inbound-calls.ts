import { forwardCall, type StationReply } from './forward-call.js'
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
      this.session.ctx.batch(() => this.pump())
    }
    return true
  }

  /** Forwards the first CALL waiting; its answer forwards the next (`answered`). */
  private pump(): void {
    if (this.session.closed) {
      // Closed before these CALLs left: nobody would read their answers.
      for (const _ of this.queue.splice(0)) this.session.ctx.inflight.end()
    }
    const call = this.queue[0]
    if (call === undefined) {
      this.forwarding = false
      return
    }
    forwardCall(this.session, call, (reply) => this.answered(call, reply))
  }

  private answered(call: InboundCall, reply: StationReply): void {
    this.queue.shift()
    try {
      if (!this.session.closed) this.session.answer(call, reply)
    } catch (error) {
      this.session.ctx.logger.error(
        { stationId: this.session.facts.stationId, action: call.action, err: error },
        'answer to a station CALL not sent',
      )
    } finally {
      this.session.ctx.inflight.end()
    }
    this.pump()
  }

  /** The socket closed: drop what waits; the CALL being forwarded finishes on its own. */
  clear(): void {
    const dropped = this.queue.splice(this.forwarding ? 1 : 0)
    for (const _ of dropped) this.session.ctx.inflight.end()
  }
}
