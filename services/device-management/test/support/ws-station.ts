import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'

type Frame = [number, string, ...unknown[]]
export type CsmsCall = { action: string; payload: Record<string, unknown> }
/** What the station answers a CSMS call with; `after` runs once the answer left (its own CALLs). */
export type Reply = { result: unknown; after?: () => Promise<void> } | { error: string }

/**
 * A small OCPP-J station over a real WebSocket: one CALL of its own at a time, answering the
 * CSMS's calls through `onCall`.
 */
export class WsStation {
  readonly calls: CsmsCall[] = []
  onCall: (call: CsmsCall) => Reply = () => ({ result: {} })
  private readonly pending = new Map<string, (frame: Frame) => void>()

  private constructor(
    readonly id: string,
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data) => this.onMessage(String(data)))
  }

  static connect(baseUrl: string, id: string, protocol = 'ocpp2.0.1'): Promise<WsStation> {
    const ws = new WebSocket(`${baseUrl}/${encodeURIComponent(id)}`, [protocol])
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new WsStation(id, ws)))
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`${id}: upgrade refused with ${res.statusCode}`)),
      )
      ws.once('error', reject)
    })
  }

  /** Sends a CALL and resolves with the CALLRESULT payload (a CALLERROR rejects). */
  call(action: string, payload: unknown, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const id = randomUUID()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.id}: no answer to ${action} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, (frame) => {
        clearTimeout(timer)
        if (frame[0] === 3) resolve(frame[2] as Record<string, unknown>)
        else reject(new Error(`${this.id}: ${action} answered ${JSON.stringify(frame.slice(2))}`))
      })
      this.ws.send(JSON.stringify([2, id, action, payload]))
    })
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve())
      this.ws.close(1000)
    })
  }

  private onMessage(text: string): void {
    const frame = JSON.parse(text) as Frame
    if (frame[0] !== 2) {
      const waiter = this.pending.get(frame[1])
      this.pending.delete(frame[1])
      waiter?.(frame)
      return
    }
    const [, id, action, payload] = frame as [2, string, string, Record<string, unknown>]
    this.calls.push({ action, payload })
    const reply = this.onCall({ action, payload })
    if ('error' in reply) {
      this.ws.send(JSON.stringify([4, id, reply.error, 'refused by test station', {}]))
      return
    }
    this.ws.send(JSON.stringify([3, id, reply.result]))
    void reply.after?.().catch(() => {})
  }
}
