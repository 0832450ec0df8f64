import assert from 'node:assert/strict'
import {
  createRPCError,
  getStandardValidator,
  OCPPClient,
  type OCPPMessage,
  SecurityProfile,
} from 'ocpp-ws-io'
import type { RawData } from 'ws'
import { isObject, type Payload, type StrictProtocol } from './strict-driver.js'
import { idOf } from './strict-frame-rules.js'
import { StrictStationBase } from './strict-station-base.js'

const textOf = (data: RawData): string =>
  Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data as ArrayBuffer).toString()

/**
 * ocpp-ws-io's client, watched through two protected members it documents: every frame the CSMS
 * sends is seen before the library parses it (the library drops an answer to an unknown message id
 * without a word, and keeps no error-code table), every frame the station sends before it leaves.
 */
class ObservedClient extends OCPPClient {
  onFrame: (text: string) => void = () => {}
  onSend: (frame: OCPPMessage) => void = () => {}

  protected override _onMessage(rawData: RawData, preParsed?: unknown): void {
    this.onFrame(textOf(rawData))
    super._onMessage(rawData, preParsed)
  }

  protected override _invokeBeforeSend(message: OCPPMessage): boolean | Promise<boolean> {
    this.onSend(message)
    return super._invokeBeforeSend(message)
  }
}

/**
 * A charging station played by ocpp-ws-io (independent of the platform and of ocpp-rpc) in strict
 * mode: its own CALLs and answers are checked before they leave, the CSMS's CALLs before they
 * reach a handler (the library answers a broken one with a CALLERROR) and the CSMS's CALLRESULTs
 * before a call resolves. What it or the frame checks here find lands in `violations`, which tests
 * assert empty.
 */
export class WsIoStation extends StrictStationBase {
  /** Where each payload strict mode checks came from: its refusal event names only the payload. */
  private readonly origins = new WeakMap<object, string>()
  /** The message ids of the station's CALLs the CSMS has not answered yet. */
  private readonly pending = new Set<string>()
  private readonly idOfParams = new WeakMap<object, string>()
  private readonly errorFrames = new Map<string, unknown[]>()
  /** CSMS CALLs the station has not answered yet: OCPP-J allows one at a time. */
  private readonly openCsmsCalls = new Set<string>()
  /** Every CALL id the CSMS used on this connection: OCPP-J wants each one new. */
  private readonly csmsCallIds = new Set<string>()
  private readonly validator
  private closing = false

  private constructor(
    id: string,
    protocol: StrictProtocol,
    private readonly client: ObservedClient,
  ) {
    super(id, protocol)
    const validator = getStandardValidator(protocol)
    assert.ok(validator, `ocpp-ws-io has no validator for ${protocol}`)
    this.validator = validator
    client.onFrame = (text) => this.checkFrame(text)
    client.onSend = (frame) => this.sent(frame)
    client.handle(async (action, ctx) => {
      const answer = this.handled(action, isObject(ctx.params) ? ctx.params : {})
      if (!answer) throw createRPCError('NotSupported', `the test station does not answer ${action}`)
      this.origins.set(answer, `the test station's answer to ${action}`)
      return answer
    })
    client.on('message', ({ direction, ctx }) => {
      if (direction !== 'IN') return
      if (ctx.type === 'incoming_call' && isObject(ctx.params))
        this.origins.set(ctx.params, `${ctx.method} CALL from the CSMS`)
      if (ctx.type === 'incoming_result' && isObject(ctx.payload))
        this.origins.set(ctx.payload, `CALLRESULT from the CSMS to ${ctx.method}`)
    })
    client.on('strictValidationFailure', ({ message, error }) => {
      const origin = isObject(message) ? this.origins.get(message) : undefined
      const code = (error as { rpcErrorCode?: string }).rpcErrorCode ?? error.name
      this.violations.push(
        `strict mode refused the ${origin ?? 'unattributed payload'} (${code}: ${error.message}): ${JSON.stringify(message)}`,
      )
    })
    client.on('pongTimeout', () => this.violations.push('no pong to a WebSocket ping in time'))
    client.on('close', ({ code, reason }) => {
      if (!this.closing) this.violations.push(`the CSMS closed the connection: ${code} ${reason}`)
    })
    client.on('badMessage', ({ message, error }) => {
      // ocpp-ws-io knows no 2.1 CALLRESULTERROR: the one answering a raw frame is checked here.
      if (this.protocol === 'ocpp2.1' && this.rawAnswered.has(idOf(String(message)))) return
      this.violations.push(`ocpp-ws-io could not take a frame from the CSMS (${error.message}): ${message}`)
    })
  }

  static async connect(
    gatewayUrl: string,
    id: string,
    protocol: StrictProtocol,
    password?: string,
  ): Promise<WsIoStation> {
    const client = new ObservedClient({
      endpoint: gatewayUrl,
      identity: id,
      protocols: [protocol],
      // true: every version, the library's own bundled schemas (getStandardValidator), both directions.
      strictMode: true,
      reconnect: false,
      callTimeoutMs: 15_000,
      // Pings every ~2 s (the library adds ±25 % jitter), so that each station's life sees several.
      pingIntervalMs: 2_000,
      logging: false,
      ...(password === undefined ? {} : { securityProfile: SecurityProfile.BASIC_AUTH, password }),
    })
    const station = new WsIoStation(id, protocol, client)
    await client.connect()
    assert.equal(client.protocol, protocol, 'the gateway agreed another subprotocol')
    return station
  }

  /** Whether the library holds the request and response schema of an action (it skips any it lacks). */
  hasSchemas(action: string): boolean {
    return this.validator.hasSchema(`urn:${action}.req`) && this.validator.hasSchema(`urn:${action}.conf`)
  }

  /** A station CALL: rejects on a CALLERROR, or on a CALLRESULT (or params) strict mode refuses. */
  async call<T = Payload>(action: string, params: Payload): Promise<T> {
    // Strict mode skips an action whose schema it lacks: no call here may pass unchecked.
    assert.ok(this.hasSchemas(action), `ocpp-ws-io has no ${this.protocol} schemas for ${action}`)
    this.origins.set(params, `${action} CALL of the test station`)
    return await this.client.call<T>(action, params)
  }

  /** A station CALL the CSMS must refuse: the error code of its CALLERROR frame, as sent. */
  async refusal(action: string, params: Payload): Promise<string> {
    const answer = await this.call(action, params).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    )
    assert.ok('error' in answer, `${action} was answered ${JSON.stringify(answer)}`)
    const frame = this.errorFrames.get(this.idOfParams.get(params) ?? '')
    assert.ok(frame, `${action} failed without a CALLERROR: ${String(answer.error)}`)
    return String(frame[2])
  }

  async close(): Promise<void> {
    this.closing = true
    await this.client.close({ code: 1000, awaitPending: false })
  }

  private sent(frame: OCPPMessage): void {
    const [type, id] = frame
    if (type === 2) {
      this.pending.add(id)
      if (isObject(frame[3])) this.idOfParams.set(frame[3], id)
    } else this.openCsmsCalls.delete(id)
  }

  protected sendText(text: string): void {
    this.client.sendRaw(text)
  }

  /** What ocpp-ws-io leaves unchecked beyond the frame rules: one CALL at a time, fresh ids, answers. */
  protected checkMore(frame: unknown[], answersRaw: boolean, fail: (why: string) => void): void {
    const [type, id] = frame
    const key = String(id)
    if (type === 2) {
      const action = String(frame[2])
      if (!this.hasSchemas(action)) fail(`no ${this.protocol} schemas for ${action}, which strict mode skips`)
      if (this.openCsmsCalls.size > 0)
        fail(`a CALL while ${[...this.openCsmsCalls].join(', ')} awaits an answer`)
      if (this.csmsCallIds.has(key)) fail('a CALL with a message id the CSMS used before')
      this.openCsmsCalls.add(key)
      this.csmsCallIds.add(key)
      return
    }
    if (!this.pending.delete(key) && !answersRaw) fail('an answer to no CALL the station has outstanding')
    if (type !== 3) this.errorFrames.set(key, frame)
  }
}
