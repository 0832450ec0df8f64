import { randomUUID } from 'node:crypto'
import { decodeJson, HEADER, type OcppReply, replyOcpp } from '@csms/bus'
import {
  checkIncomingAction,
  encodeCall,
  encodeCallResultError,
  validateRequest,
  validateResponse,
} from '@csms/ocpp'
import type { Msg } from '@nats-io/transport-node'
import { type OutboundCall, OutboundQueue } from './outbound-queue.js'
import type { StationSession } from './station-session.js'

const error = (code: string, description: string): OcppReply => ({
  ok: false,
  code,
  description,
  details: {},
})

/**
 * CSMS-initiated CALLs to one station: one on the wire at a time, the rest queued (bounded),
 * answers matched by message id on this socket only, each CALL bounded by the requester's
 * deadline and the gateway's call timeout.
 */
export class OutboundCalls {
  private readonly queue: OutboundQueue

  constructor(private readonly session: StationSession) {
    this.queue = new OutboundQueue(session.ctx.maxQueuedCalls)
  }

  accept(msg: Msg): void {
    const { version, protocol } = this.session.facts
    const action = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
    const allowed = checkIncomingAction(version, action, 'station')
    if (!allowed.ok)
      return this.refuse(msg, 'unknown', error(allowed.code, `${action} is not a CSMS CALL in ${protocol}`))
    let payload: unknown
    try {
      payload = decodeJson(msg.data)
    } catch {
      return this.refuse(msg, action, error('FormatViolation', 'payload is not JSON'))
    }
    // The last check before the wire: a service's CALL out of the station's schema is its own
    // bug, answered to it here, never a frame a conforming station would refuse.
    const valid = validateRequest(version, action, payload)
    if (!valid.ok)
      return this.refuse(
        msg,
        action,
        error(valid.error.code, `not sent: out of the ${protocol} schema: ${valid.error.description}`),
      )
    if (!this.session.csmsMayCall)
      return this.refuse(
        msg,
        action,
        error(
          'GenericError',
          `${protocol} station is Rejected: the CSMS sends it nothing until it boots again`,
        ),
      )
    const asked = Number(msg.headers?.get(HEADER.timeoutMs))
    const timeoutMs = this.session.ctx.callTimeoutMs
    const waitMs = Number.isFinite(asked) && asked > 0 ? Math.min(asked, timeoutMs) : timeoutMs
    const call: OutboundCall = { msg, action, payload, deadline: performance.now() + waitMs }
    if (!this.queue.enqueue(call))
      return this.refuse(msg, action, error('GenericError', 'too many calls queued for this station'))
    this.pump()
  }

  private pump(): void {
    const { ctx } = this.session
    for (let call = this.queue.take(); call && !this.session.closed; call = this.queue.take()) {
      const left = call.deadline - performance.now()
      call.id = randomUUID()
      if (left <= 0) {
        // The requester gave up while this waited in the queue: sending it now helps nobody.
        this.queue.release(call.id)
        ctx.metrics.messages.inc({ direction: 'out', action: call.action, outcome: 'expired' })
        continue
      }
      call.startedAt = performance.now()
      const sent = call
      call.timer = setTimeout(() => this.timeout(sent), left)
      ctx.inflight.start()
      this.session.csmsCalling(call.action, call.payload)
      if (this.session.send(encodeCall(call.id, call.action, call.payload))) return
      if (this.queue.release(call.id)) {
        ctx.inflight.end()
        this.refuse(call.msg, call.action, error('GenericError', 'station socket is not writable'))
      }
    }
  }

  private timeout(call: OutboundCall): void {
    if (!this.queue.release(call.id)) return
    this.session.ctx.inflight.end()
    this.session.ctx.metrics.messages.inc({ direction: 'out', action: call.action, outcome: 'timeout' })
    // No reply: the requester sees its own timeout (HTTP 504), which is what happened.
    this.pump()
  }

  /** The station's CALLRESULT or CALLERROR for message id `id`. */
  settle(id: string, reply: OcppReply): void {
    const { ctx, facts } = this.session
    const call = this.queue.release(id)
    if (!call) {
      ctx.logger.warn({ stationId: facts.stationId, id }, 'answer to no outstanding CALL ignored')
      return
    }
    ctx.inflight.end()
    let answer = reply
    if (reply.ok) {
      const valid = validateResponse(facts.version, call.action, reply.payload)
      if (!valid.ok) {
        answer = {
          ok: false,
          ...valid.error,
          description: `station answered out of schema: ${valid.error.description}`,
        }
        // OCPP 2.1 lets the CSMS tell the station its CALLRESULT could not be processed.
        if (facts.version === 'v21')
          this.session.send(encodeCallResultError(id, valid.error.code, valid.error.description))
      }
    }
    ctx.metrics.messages.inc({
      direction: 'out',
      action: call.action,
      outcome: answer.ok ? 'ok' : answer.code,
    })
    ctx.metrics.callDuration.observe(
      { direction: 'csms_to_station', action: call.action },
      (performance.now() - (call.startedAt ?? performance.now())) / 1000,
    )
    replyOcpp(call.msg, answer)
    this.pump()
  }

  /** Ends the outstanding CALL `id` with an error, if it is the one on the wire. */
  fail(id: string, code: string, description: string): void {
    if (this.queue.current?.id === id) this.settle(id, { ok: false, code, description, details: {} })
  }

  private refuse(msg: Msg, action: string, reply: OcppReply): void {
    this.session.ctx.metrics.messages.inc({ direction: 'out', action, outcome: reply.ok ? 'ok' : reply.code })
    replyOcpp(msg, reply)
  }

  dispose(reason: string): void {
    const inFlight = this.queue.current?.startedAt !== undefined
    const calls = this.queue.drainAll()
    if (inFlight) this.session.ctx.inflight.end()
    for (const call of calls)
      this.refuse(call.msg, call.action, error('GenericError', `station disconnected: ${reason}`))
  }
}
