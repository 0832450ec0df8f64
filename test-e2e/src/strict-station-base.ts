import assert from 'node:assert/strict'
import {
  type Answer,
  isObject,
  type Payload,
  type ReceivedCall,
  type StrictDriver,
  type StrictProtocol,
} from './strict-driver.js'
import { errorFrameFaults, isMessageId } from './strict-frame-rules.js'

/**
 * What StrictStation (ocpp-rpc) and WsIoStation (ocpp-ws-io) share: the answers and the record of
 * CSMS CALLs, raw frames sent past strict mode, and the checks of OCPP-J's frame rules that
 * neither library makes. A subclass sends the text, runs the library and adds its own checks.
 */
export abstract class StrictStationBase implements StrictDriver {
  readonly received: ReceivedCall[] = []
  readonly violations: string[] = []
  private readonly answers = new Map<string, Answer>()
  /** Raw frames sent past strict mode, by message id: their answers are awaited here. */
  private readonly rawWaiting = new Map<string, (frame: unknown[]) => void>()
  /** The message ids of raw frames the CSMS answered. */
  protected readonly rawAnswered = new Set<string>()
  /** The message ids of every frame the CSMS sent. */
  private readonly idsFromCsms = new Set<string>()

  protected constructor(
    readonly id: string,
    readonly protocol: StrictProtocol,
  ) {}

  abstract call<T = Payload>(action: string, params: Payload): Promise<T>
  abstract refusal(action: string, params: Payload): Promise<string>
  abstract close(): Promise<void>
  /** Sends a frame's text as it is, past the library's checks. */
  protected abstract sendText(text: string): void
  /** The library's own checks of a well-shaped frame; `answersRaw` when it answers a raw frame. */
  protected abstract checkMore(frame: unknown[], answersRaw: boolean, fail: (why: string) => void): void

  answer(action: string, answer: Answer): this {
    this.answers.set(action, answer)
    return this
  }

  /** Records a CSMS CALL that reached the handler; the station's answer, if it has one. */
  protected handled(action: string, params: Payload): Payload | undefined {
    this.received.push({ action, params })
    return this.answers.get(action)?.(params)
  }

  sendRaw(text: string, expectId: string, timeoutMs = 10_000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rawWaiting.delete(expectId)
        reject(new Error(`no answer to raw frame ${expectId} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.rawWaiting.set(expectId, (frame) => {
        clearTimeout(timer)
        resolve(frame)
      })
      this.sendText(text)
    })
  }

  sendUnanswered(text: string): void {
    this.sendText(text)
  }

  sawFrameWithId(id: string): boolean {
    return this.idsFromCsms.has(id)
  }

  callsOf(action: string): Payload[] {
    return this.received.filter((c) => c.action === action).map((c) => c.params)
  }

  assertConformant(): void {
    assert.deepEqual(this.violations, [], `${this.id}: the CSMS broke OCPP-J or the schemas`)
  }

  /** Checks a frame from the CSMS before the library parses it; hands a raw frame's answer over. */
  protected checkFrame(text: string): void {
    const fail = (why: string): void => {
      this.violations.push(`${why}: ${text.slice(0, 300)}`)
    }
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      return fail('not JSON')
    }
    if (!Array.isArray(frame)) return fail('not an array')
    const [type, id] = frame as unknown[]
    if (!isMessageId(id)) fail('bad message id')
    const key = String(id)
    this.idsFromCsms.add(key)
    const waiting = this.rawWaiting.get(key)
    if (waiting) {
      this.rawWaiting.delete(key)
      this.rawAnswered.add(key)
      waiting(frame)
    }
    switch (type) {
      case 2:
        if (frame.length !== 4 || typeof frame[2] !== 'string' || !isObject(frame[3])) return fail('bad CALL')
        break
      case 3:
        if (frame.length !== 3 || !isObject(frame[2])) return fail('bad CALLRESULT')
        break
      case 4:
      case 5:
        for (const fault of errorFrameFaults(frame, this.protocol)) fail(fault)
        break
      default:
        return fail(`message type ${String(type)} is not one of ${this.protocol}`)
    }
    this.checkMore(frame, waiting !== undefined, fail)
  }
}
