import { HEADER, stationActionsHandled, wireHeaderText } from '@csms/bus'
import {
  checkIncomingAction,
  encodeCallError,
  encodeCallResultError,
  encodeCallResultJson,
  errorCodeFor,
  type FrameError,
  type IncomingActionOptions,
  type OcppVersion,
  parseFrame,
  validateRequest,
} from '@csms/ocpp'
import type { Msg } from '@nats-io/transport-node'
import { publishSend, type StationReply } from './forward-call.js'
import { type InboundCall, InboundCalls } from './inbound-calls.js'
import { OutboundCalls } from './outbound-calls.js'
import { RegistrationGate } from './registration-gate.js'
import type { FrameSink, SessionContext, StationFacts } from './session-context.js'

/** uWS's send status: 1 success, 0 backpressure built up (sent later), 2 dropped. */
const BUFFERED = 0
const DROPPED = 2

/**
 * A station CALL that no service answers is NotSupported (OCPP-J: "recognized but not supported
 * by the receiver") at once, rather than InternalError after NATS finds no responder.
 */
const CALL_CHECK: Readonly<Record<OcppVersion, IncomingActionOptions>> = {
  v16: { supported: stationActionsHandled('v16') },
  v201: { supported: stationActionsHandled('v201') },
  v21: { supported: stationActionsHandled('v21') },
}

/**
 * Everything the gateway knows about one socket, and nothing it would need after the socket is
 * gone: the CALL it forwards for the station and the CSMS CALL the station must answer. A class
 * so that per-station state is a few fields and the behaviour lives once, on the prototype.
 */
export class StationSession {
  closed = false
  private inbound: InboundCalls | undefined
  private outbound: OutboundCalls | undefined
  /** Set while the station's last BootNotification on this socket was answered Pending or Rejected. */
  private gate: RegistrationGate | undefined
  /** The NATS headers every CALL of this socket carries (station, protocol, gateway), made at its first. */
  private headers: string | undefined

  constructor(
    readonly ctx: SessionContext,
    readonly facts: StationFacts,
    private readonly sink: FrameSink,
  ) {}

  /** A text frame from the station. */
  onFrame(text: string): void {
    this.ctx.log?.(this.facts, 'in', text)
    const parsed = parseFrame(this.facts.version, text)
    if (!parsed.ok) return this.onBrokenFrame(parsed.error)
    const frame = parsed.frame
    switch (frame.type) {
      case 2:
        return this.onCall(frame.id, frame.action, frame.payload)
      case 3:
        return this.outboundCalls().settle(frame.id, { ok: true, payload: frame.payload })
      case 4:
        return this.outboundCalls().settle(frame.id, {
          ok: false,
          code: frame.code,
          description: frame.description,
          details: frame.details,
        })
      case 5:
        this.ctx.logger.warn(
          { stationId: this.facts.stationId, id: frame.id, code: frame.code },
          'station rejected a CALLRESULT',
        )
        return
      case 6:
        return this.onSend(frame.action, frame.payload, frame.id)
    }
  }

  /** A CSMS-initiated CALL arriving on ocpp.out.<stationId>.<Action>. */
  onCsmsCall(msg: Msg): void {
    if (!this.closed) this.outboundCalls().accept(msg)
  }

  /** Answers as the frame's version prescribes: CALLERROR, 2.1 CALLRESULTERROR, or nothing. */
  private onBrokenFrame(e: FrameError): void {
    if (e.respond === 'callError') return this.refuseCall(e.messageId, 'unknown', e.code, e.description)
    this.ctx.metrics.messages.inc({ direction: 'out', action: 'unknown', outcome: e.code })
    // A broken answer to our CALL still ends it: the requester learns now, not at its timeout.
    this.outbound?.fail(e.messageId, e.code, `station answered with a broken frame: ${e.description}`)
    if (e.respond === 'callResultError') this.send(encodeCallResultError(e.messageId, e.code, e.description))
  }

  private onCall(id: string, action: string, payload: unknown): void {
    const allowed = checkIncomingAction(this.facts.version, action, 'csms', CALL_CHECK[this.facts.version])
    if (!allowed.ok) return this.refuseAction(id, action, allowed.code)
    if (this.gate && !this.gate.admits(action))
      return this.refuseCall(id, action, 'SecurityError', this.gate.describe(action))
    const valid = validateRequest(this.facts.version, action, payload)
    if (!valid.ok)
      return this.refuseCall(id, action, valid.error.code, valid.error.description, valid.error.details)
    this.inbound ??= new InboundCalls(this)
    const call: InboundCall = { id, action, payload, receivedAt: performance.now() }
    if (!this.inbound.accept(call)) {
      this.refuseCall(
        id,
        action,
        'GenericError',
        'too many CALLs outstanding: send one at a time and wait for the answer',
      )
    }
  }

  /** Unknown, the CSMS's own to send, or answered by no service: the description says which. */
  private refuseAction(id: string, action: string, code: 'NotImplemented' | 'NotSupported'): void {
    // Asked again without the handled set, on this refusal path only: an action the station may
    // send in its version fails here just because no service answers it.
    if (checkIncomingAction(this.facts.version, action, 'csms').ok)
      return this.refuseCall(id, action, code, `${action} is not supported by this CSMS`)
    this.refuseCall(id, 'unknown', code, `${action} is not a CALL a station sends in ${this.facts.protocol}`)
  }

  private onSend(action: string, payload: unknown, id: string): void {
    // Not checked against the handled actions: nothing goes back to the station either way, and
    // a SEND costs one publish, no round trip (none is handled yet; a consumer just subscribes).
    const allowed = checkIncomingAction(this.facts.version, action, 'csms', { frame: 'send' })
    const valid = allowed.ok && validateRequest(this.facts.version, action, payload)
    // SEND (OCPP 2.1) is unconfirmed: nothing goes back to the station, not even an error.
    const outcome = !allowed.ok ? allowed.code : valid && !valid.ok ? valid.error.code : 'ok'
    this.ctx.metrics.messages.inc({ direction: 'in', action: allowed.ok ? action : 'unknown', outcome })
    if (outcome === 'ok') publishSend(this, action, payload, id)
  }

  /** Sends the answer to a station CALL that the owning service (or the gateway) produced. */
  answer(call: InboundCall, reply: StationReply): void {
    // OCPP 2.x: a Pending or Rejected registration limits what the station may send next.
    if (call.action === 'BootNotification' && reply.ok && this.facts.version !== 'v16')
      this.gate = RegistrationGate.after(JSON.parse(reply.json))
    this.ctx.metrics.stationCallAnswered(
      call.action,
      reply.ok ? 'ok' : reply.code,
      (performance.now() - call.receivedAt) / 1000,
    )
    this.send(
      reply.ok
        ? encodeCallResultJson(call.id, reply.json)
        : encodeCallError(
            call.id,
            errorCodeFor(this.facts.version, reply.code),
            reply.description,
            reply.details,
          ),
    )
  }

  private refuseCall(
    id: string,
    action: string,
    code: string,
    description: string,
    details: unknown = {},
  ): void {
    this.ctx.metrics.messages.inc({ direction: 'in', action, outcome: code })
    this.send(encodeCallError(id, code, description, details))
  }

  /** Writes a frame; false when the socket is gone or the station reads too slowly (then it closes). */
  send(text: string): boolean {
    if (this.closed) return false
    this.ctx.log?.(this.facts, 'out', text)
    const status = this.sink.send(text, false)
    if (status === BUFFERED) this.ctx.buffering.add(this.sink)
    if (status !== DROPPED) return true
    this.ctx.metrics.evictions.inc({ scope: 'slow_reader' })
    this.ctx.logger.warn(
      { stationId: this.facts.stationId, buffered: this.sink.getBufferedAmount() },
      'station reads too slowly: send buffer limit reached, closing its socket',
    )
    this.sink.close()
    return false
  }

  /** The header block of what never changes on this socket; CALLs add theirs (`extendWireHeaders`). */
  headerBlock(): string {
    this.headers ??= wireHeaderText(
      HEADER.stationId,
      this.facts.stationId,
      HEADER.protocol,
      this.facts.protocol,
      HEADER.gatewayId,
      this.ctx.gatewayId,
    )
    return this.headers
  }

  /** False while the station's registration on this socket is Rejected (B03.FR.03). */
  get csmsMayCall(): boolean {
    return this.gate?.csmsMayCall ?? true
  }

  /** A CSMS CALL is on its way to the station (what a Pending station may then send back). */
  csmsCalling(action: string, payload: unknown): void {
    this.gate?.csmsCalled(action, payload)
  }

  private outboundCalls(): OutboundCalls {
    this.outbound ??= new OutboundCalls(this)
    return this.outbound
  }

  /** Called once when the socket has closed: answers waiting requesters, frees the slots. */
  dispose(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.inbound?.clear()
    this.outbound?.dispose(reason)
  }
}
