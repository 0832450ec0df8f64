import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'

type Frame = [number, string, ...unknown[]]

/**
 * A bare OCPP-J station over a real WebSocket, for end-to-end tests: it sends CALLs and awaits
 * their answers, records the CSMS's CALLs and answers them with what the test says.
 */
export class TestStation {
  readonly received: Frame[] = []
  private readonly pending = new Map<string, (frame: Frame) => void>()
  answer: (action: string, payload: unknown) => { result: unknown } | { error: string } | 'silent' = () => ({
    result: {},
  })

  private constructor(
    readonly id: string,
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data) => this.onMessage(String(data)))
  }

  static connect(
    baseUrl: string,
    id: string,
    opts: { protocols?: string[]; password?: string } = {},
  ): Promise<TestStation> {
    const headers: Record<string, string> = {}
    if (opts.password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${id}:${opts.password}`).toString('base64')}`
    }
    const ws = new WebSocket(`${baseUrl}/${encodeURIComponent(id)}`, opts.protocols ?? ['ocpp2.0.1'], {
      headers,
    })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestStation(id, ws)))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  get protocol(): string {
    return this.ws.protocol
  }

  call(action: string, payload: unknown, timeoutMs = 10_000): Promise<Frame> {
    const id = randomUUID()
    return this.sendRaw(JSON.stringify([2, id, action, payload]), id, timeoutMs)
  }

  /** Sends any text and awaits the answer carrying `expectId` (use "-1" for unparseable frames). */
  sendRaw(text: string, expectId: string, timeoutMs = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(expectId)
        reject(new Error(`no answer to ${expectId} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(expectId, (frame) => {
        clearTimeout(timer)
        resolve(frame)
      })
      this.ws.send(text)
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
    this.received.push(frame)
    if (frame[0] === 2) {
      const [, id, action, payload] = frame as [2, string, string, unknown]
      const reply = this.answer(action, payload)
      if (reply === 'silent') return
      this.ws.send(
        JSON.stringify(
          'result' in reply ? [3, id, reply.result] : [4, id, reply.error, 'refused by test station', {}],
        ),
      )
      return
    }
    const waiter = this.pending.get(frame[1])
    if (waiter) {
      this.pending.delete(frame[1])
      waiter(frame)
    }
  }
}
