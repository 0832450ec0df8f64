import type { ClientRequestArgs } from 'node:http'
import WebSocket, { type ClientOptions } from 'ws'

export type Frame = unknown[]
export type Closed = { code: number; reason: string }

export type StationOptions = ClientOptions &
  ClientRequestArgs & {
    protocols?: string[]
    /** HTTP Basic password; the user is the station id. */
    password?: string
    stationId?: string
  }

/** Refused at upgrade: the HTTP status and body the gateway (or the proxy) answered. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body.trim()}`)
  }
}

/**
 * A station over a real WebSocket (the `ws` package). Frames are queued as they arrive and read
 * with `next()`; every wait is on an event, none on a timer.
 */
export class TestStation {
  private readonly frames: Frame[] = []
  private waiters: Array<() => void> = []
  private nextId = 1
  readonly closed: Promise<Closed>
  private closeInfo: Closed | undefined
  private lastError: Error | undefined
  private where = ''
  private events: string[] = []
  readonly protocol: string

  private constructor(readonly ws: WebSocket) {
    this.protocol = ws.protocol
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.frames.push(JSON.parse(String(data)) as Frame)
      this.wake()
    })
    ws.on('error', (error) => {
      this.lastError = error
    })
    const sock = (ws as unknown as { _socket: import('node:net').Socket })._socket
    this.where = `${sock.localAddress}:${sock.localPort}->${sock.remotePort}`
    sock.on('end', () => {
      this.events.push(`end@${Date.now()}`)
    })
    sock.on('close', (hadError) => {
      this.events.push(`close(${hadError})@${Date.now()}`)
    })
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: String(reason) }
        this.wake()
        resolve(this.closeInfo)
      })
    })
  }

  static connect(url: string, opts: StationOptions = {}): Promise<TestStation> {
    const { protocols = ['ocpp2.0.1'], password, stationId, ...wsOptions } = opts
    const headers: Record<string, string> = { ...(wsOptions.headers as Record<string, string> | undefined) }
    if (password !== undefined) {
      const user = stationId ?? decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    }
    const ws = new WebSocket(url, protocols, { ...wsOptions, headers })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestStation(ws)))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)))
        res.on('error', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)))
      })
      ws.once('error', reject)
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** The next frame that matches, removed from the queue; rejects if the socket closes first. */
  async next(match: (f: Frame) => boolean = () => true): Promise<Frame> {
    for (;;) {
      const i = this.frames.findIndex(match)
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(
          `socket closed while waiting for a frame (${JSON.stringify(this.closeInfo)}; ${this.where} ${this.events.join(',')} now ${Date.now()}; error ${this.lastError?.stack}; frames ${JSON.stringify(this.frames)})`,
        )
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  /** Frames received and not yet taken by next(). */
  pending(): readonly Frame[] {
    return [...this.frames]
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Sends a CALL and resolves with the CALLRESULT, CALLERROR (or CALLRESULTERROR) that answers it. */
  async call(action: string, payload: unknown, id = `m${this.nextId++}`): Promise<Frame> {
    this.send([2, id, action, payload])
    return this.answerTo(id)
  }

  answerTo(id: string): Promise<Frame> {
    return this.next((f) => f[1] === id && (f[0] === 3 || f[0] === 4 || f[0] === 5))
  }

  /** The next CALL the CSMS sends. */
  nextCall(action?: string): Promise<Frame> {
    return this.next((f) => f[0] === 2 && (action === undefined || f[2] === action))
  }

  close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(1000)
    return this.closed
  }

  /** Ends the TCP connection at once (no close handshake), for after hooks. */
  terminate(): void {
    this.ws.terminate()
  }
}

/** Attempts a connection that must be refused; resolves with the refusal. */
export async function refusal(url: string, opts: StationOptions = {}): Promise<UpgradeRefused> {
  try {
    const station = await TestStation.connect(url, opts)
    station.terminate()
  } catch (error) {
    if (error instanceof UpgradeRefused) return error
    throw error
  }
  throw new Error(`expected ${url} to be refused, but it connected`)
}
