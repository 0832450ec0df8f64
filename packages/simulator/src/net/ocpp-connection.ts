import {
  actionInfo,
  encodeCall,
  encodeCallError,
  encodeCallResult,
  type OcppSubprotocol,
  type OcppVersion,
  parseFrame,
  validateRequest,
  validateResponse,
  versionOfSubprotocol,
} from '@csms/ocpp'
import WebSocket from 'ws'

/** How a station-initiated call ended; never thrown, so a station keeps going whatever happens. */
export type CallOutcome =
  | { ok: true; payload: unknown; latencyMs: number }
  | {
      ok: false
      kind: 'callerror' | 'timeout' | 'closed' | 'invalid-response' | 'invalid-request'
      code: string
      description: string
      latencyMs?: number
    }

/** What a station answers to a CSMS CALL; `after` runs once the answer is on the wire. */
export type CsmsAnswer =
  | { result: unknown; after?: () => void }
  | { error: string; description?: string; after?: () => void }

export type CsmsCallHandler = (action: string, payload: unknown) => CsmsAnswer | Promise<CsmsAnswer>

/** A problem the connection noticed outside any call the station made. */
export type ConnectionProblem = {
  kind: 'csms-call' | 'invalid-request'
  action: string
  code: string
  detail: string
}

export type ConnectionOptions = {
  /** Base URL; the station id is appended (`ws://127.0.0.1:9000/ocpp` → `…/ocpp/CS-1`). */
  url: string
  stationId: string
  protocol: OcppSubprotocol
  password?: string | undefined
  localAddress?: string | undefined
  callTimeoutMs: number
  connectTimeoutMs?: number
  onCall: CsmsCallHandler
  /** Extra delay before answering the CSMS (a slow station); read for every CALL. */
  answerDelayMs?: () => number
  onProblem?: (p: ConnectionProblem) => void
  /** The socket is gone; `byUs` when this side closed or dropped it. */
  onClose?: (code: number, reason: string, byUs: boolean) => void
}

export class ConnectError extends Error {
  override readonly name = 'ConnectError'
  constructor(
    message: string,
    /** HTTP status of a refused upgrade, 0 when the TCP connection itself failed. */
    readonly status: number,
    /** Seconds the gateway asked us to wait (Retry-After). */
    readonly retryAfterS: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

type Queued = { action: string; payload: unknown; resolve: (o: CallOutcome) => void }
type InFlight = Queued & { id: string; sentAt: number; timer: NodeJS.Timeout }

/**
 * One OCPP-J WebSocket from the station side. Station CALLs are sent one at a time (OCPP-J
 * allows one outstanding CALL per direction) and checked against the official schemas both
 * ways: a payload that fails is never sent, an answer that fails is an error.
 */
export class OcppConnection {
  readonly version: OcppVersion
  private readonly queue: Queued[] = []
  private inFlight: InFlight | undefined
  private seq = 0
  private closedByUs = false
  private closed = false

  private constructor(
    private readonly ws: WebSocket,
    private readonly o: ConnectionOptions,
  ) {
    this.version = versionOfSubprotocol(o.protocol) as OcppVersion
    ws.on('message', (data) => this.onMessage(String(data)))
    ws.on('close', (code, reason) => this.onClosed(code, String(reason)))
  }

  static connect(o: ConnectionOptions): Promise<OcppConnection> {
    const headers: Record<string, string> = {}
    if (o.password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${o.stationId}:${o.password}`).toString('base64')}`
    }
    const ws = new WebSocket(`${o.url.replace(/\/$/, '')}/${encodeURIComponent(o.stationId)}`, [o.protocol], {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: o.connectTimeoutMs ?? 30_000,
      ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }),
    })
    return new Promise((resolve, reject) => {
      let refused: ConnectError | undefined
      ws.on('error', (error) => {
        if (ws.readyState === WebSocket.OPEN) return
        reject(refused ?? new ConnectError(error.message, 0, undefined, { cause: error }))
      })
      ws.once('unexpected-response', (_req, res) => {
        const retry = Number(res.headers['retry-after'])
        refused = new ConnectError(
          `upgrade refused: ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
          res.statusCode ?? 0,
          Number.isFinite(retry) ? retry : undefined,
        )
        res.resume()
        ws.terminate()
      })
      ws.once('open', () => {
        if (ws.protocol !== o.protocol) {
          ws.terminate()
          reject(
            new ConnectError(`gateway chose subprotocol "${ws.protocol}", not ${o.protocol}`, 0, undefined),
          )
          return
        }
        resolve(new OcppConnection(ws, o))
      })
    })
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN
  }

  /** Sends a CALL after the ones before it were answered; resolves with how it ended. */
  call(action: string, payload: unknown): Promise<CallOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ action, payload, resolve })
      this.pump()
    })
  }

  /** A clean close (1000) that resolves once the socket is closed. */
  close(code = 1000, reason = ''): Promise<void> {
    this.closedByUs = true
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), 5_000)
      this.ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.ws.close(code, reason)
    })
  }

  /** Loses the connection without a close frame, as a cut cable or a crash would. */
  drop(): void {
    this.closedByUs = true
    this.ws.terminate()
  }

  /** Stops reading from the socket (a slow station), or resumes. */
  setReading(reading: boolean): void {
    if (reading) this.ws.resume()
    else this.ws.pause()
  }

  private pump(): void {
    if (this.inFlight || this.closed) return
    const next = this.queue.shift()
    if (!next) return
    const checked = validateRequest(this.version, next.action, next.payload)
    if (!checked.ok) {
      next.resolve({
        ok: false,
        kind: 'invalid-request',
        code: checked.error.code,
        description: checked.error.description,
      })
      this.pump()
      return
    }
    const id = String(++this.seq)
    const timer = setTimeout(
      () =>
        this.settle(id, {
          ok: false,
          kind: 'timeout',
          code: 'Timeout',
          description: `no answer in ${this.o.callTimeoutMs} ms`,
        }),
      this.o.callTimeoutMs,
    )
    this.inFlight = { ...next, id, sentAt: performance.now(), timer }
    this.ws.send(encodeCall(id, next.action, next.payload))
  }

  private settle(id: string, outcome: CallOutcome): void {
    const current = this.inFlight
    if (!current || current.id !== id) return
    clearTimeout(current.timer)
    this.inFlight = undefined
    current.resolve(outcome)
    this.pump()
  }

  private onMessage(text: string): void {
    const parsed = parseFrame(this.version, text)
    if (!parsed.ok) {
      this.o.onProblem?.({
        kind: 'csms-call',
        action: 'frame',
        code: parsed.error.code,
        detail: parsed.error.description,
      })
      if (parsed.error.respond === 'callError') {
        this.ws.send(encodeCallError(parsed.error.messageId, parsed.error.code, parsed.error.description, {}))
      }
      return
    }
    const frame = parsed.frame
    switch (frame.type) {
      case 2:
        void this.answer(frame.id, frame.action, frame.payload)
        return
      case 3: {
        const current = this.inFlight
        if (!current || current.id !== frame.id) return
        const latencyMs = performance.now() - current.sentAt
        const valid = validateResponse(this.version, current.action, frame.payload)
        this.settle(
          frame.id,
          valid.ok
            ? { ok: true, payload: valid.value, latencyMs }
            : {
                ok: false,
                kind: 'invalid-response',
                code: valid.error.code,
                description: valid.error.description,
                latencyMs,
              },
        )
        return
      }
      case 4: {
        const latencyMs = this.inFlight ? performance.now() - this.inFlight.sentAt : undefined
        this.settle(frame.id, {
          ok: false,
          kind: 'callerror',
          code: frame.code,
          description: frame.description,
          ...(latencyMs === undefined ? {} : { latencyMs }),
        })
        return
      }
      default:
        // CALLRESULTERROR and SEND (2.1) need no answer from a station.
        return
    }
  }

  private async answer(id: string, action: string, payload: unknown): Promise<void> {
    const info = actionInfo(this.version, action)
    if (!info || info.sender === 'station') {
      this.o.onProblem?.({
        kind: 'csms-call',
        action,
        code: 'NotImplemented',
        detail: `unknown action ${action}`,
      })
      this.reply(encodeCallError(id, 'NotImplemented', `${action} is not a CSMS-initiated action`, {}))
      return
    }
    const checked = validateRequest(this.version, action, payload)
    if (!checked.ok) {
      this.o.onProblem?.({
        kind: 'csms-call',
        action,
        code: checked.error.code,
        detail: checked.error.description,
      })
      this.reply(
        encodeCallError(
          id,
          checked.error.code,
          checked.error.description.slice(0, 255),
          checked.error.details ?? {},
        ),
      )
      return
    }
    let answer: CsmsAnswer
    try {
      answer = await this.o.onCall(action, checked.value)
    } catch (error) {
      answer = { error: 'InternalError', description: error instanceof Error ? error.message : String(error) }
    }
    const delay = this.o.answerDelayMs?.() ?? 0
    if (delay > 0) await new Promise((r) => setTimeout(r, delay))
    if ('result' in answer) {
      const valid = validateResponse(this.version, action, answer.result)
      if (!valid.ok) {
        this.o.onProblem?.({
          kind: 'invalid-request',
          action,
          code: valid.error.code,
          detail: `our answer: ${valid.error.description}`,
        })
        this.reply(encodeCallError(id, 'InternalError', 'the station could not build its answer', {}))
        return
      }
      this.reply(encodeCallResult(id, answer.result))
    } else {
      this.reply(encodeCallError(id, answer.error, (answer.description ?? '').slice(0, 255), {}))
    }
    answer.after?.()
  }

  private reply(text: string): void {
    if (this.isOpen) this.ws.send(text)
  }

  private onClosed(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    const pending = [...(this.inFlight ? [this.inFlight] : []), ...this.queue]
    if (this.inFlight) clearTimeout(this.inFlight.timer)
    this.inFlight = undefined
    this.queue.length = 0
    for (const p of pending)
      p.resolve({ ok: false, kind: 'closed', code: 'Closed', description: `socket closed (${code})` })
    this.o.onClose?.(code, reason, this.closedByUs)
  }
}
