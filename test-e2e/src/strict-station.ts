import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createRPCError, createValidator, RPCClient } from 'ocpp-rpc'

export type Payload = Record<string, unknown>
export type StrictProtocol = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1'
type Answer = (params: Payload) => Payload

// The OCPP-J tables, copied from the specifications rather than imported from @csms/ocpp, so
// that the platform is judged by an independent reading: OCPP-J 1.6 §4.2.3 (with the spellings
// its errata keep) and OCPP 2.0.1 part 4 §4.3, which OCPP 2.1 keeps.
const ERROR_CODES: Readonly<Record<Exclude<StrictProtocol, 'ocpp2.1'>, ReadonlySet<string>>> = {
  'ocpp1.6': new Set([
    'NotImplemented',
    'NotSupported',
    'InternalError',
    'ProtocolError',
    'SecurityError',
    'FormationViolation',
    'PropertyConstraintViolation',
    'OccurenceConstraintViolation',
    'TypeConstraintViolation',
    'GenericError',
  ]),
  'ocpp2.0.1': new Set([
    'FormatViolation',
    'GenericError',
    'InternalError',
    'MessageTypeNotSupported',
    'NotImplemented',
    'NotSupported',
    'OccurrenceConstraintViolation',
    'PropertyConstraintViolation',
    'ProtocolError',
    'RpcFrameworkError',
    'SecurityError',
    'TypeConstraintViolation',
  ]),
}
const errorCodesOf = (p: StrictProtocol) => ERROR_CODES[p === 'ocpp2.1' ? 'ocpp2.0.1' : p]
/** OCPP-J: a message id is at most 36 characters; 2.x caps errorDescription at 255. */
const MAX_ID = 36
const MAX_DESCRIPTION: Readonly<Record<StrictProtocol, number>> = {
  'ocpp1.6': Infinity,
  'ocpp2.0.1': 255,
  'ocpp2.1': 255,
}

/**
 * ocpp-rpc 2.2.1 ships the 2.1 schemas with ids `urn:HeartbeatRequest` but looks them up as
 * `urn:Heartbeat.req` / `.conf`, so strict 2.1 fails every call (mikuso/ocpp-rpc#94, fixed by the
 * unreleased #98). This builds the 2.1 validator from the library's own file with the ids it
 * looks up (`$ref`s included; the SEND-only NotifyPeriodicEventStream, without suffix, is a `.req`).
 */
function createOcpp21Validator(): ReturnType<typeof createValidator> {
  const root = dirname(createRequire(import.meta.url).resolve('ocpp-rpc/package.json'))
  const text = readFileSync(join(root, 'lib/schemas/ocpp2_1.json'), 'utf8')
  const renamed = text.replace(/"urn:(\w+?)(Request|Response)?"/g, (_, action: string, kind?: string) =>
    JSON.stringify(`urn:${action}.${kind === 'Response' ? 'conf' : 'req'}`),
  )
  // The 2.1 enum definitions carry `additionalProperties`, which checks nothing on a string and
  // makes Ajv log a strictTypes warning per schema compiled: dropped, the validation is the same.
  const schemas = JSON.parse(renamed, (_key, value: unknown) => {
    if (isObject(value) && value.type === 'string') delete value.additionalProperties
    return value
  }) as object[]
  return createValidator('ocpp2.1', schemas)
}
let ocpp21Validator: ReturnType<typeof createValidator> | undefined
/** Built once: Ajv compiles each schema on first use, and every 2.1 station shares the result. */
const ocpp21StrictValidator = () => (ocpp21Validator ??= createOcpp21Validator())

const idOf = (text: string): string => {
  try {
    const frame: unknown = JSON.parse(text)
    return Array.isArray(frame) && typeof frame[1] === 'string' ? frame[1] : ''
  } catch {
    return ''
  }
}
const isObject = (v: unknown): v is Payload => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A charging station played by ocpp-rpc, an OCPP library independent of the platform, in strict
 * mode: its calls reject when the CSMS's CALLRESULT breaks the official schema, and a CSMS CALL
 * that breaks it never reaches a handler. Anything strict mode or the frame checks here catch
 * lands in `violations`, which every test asserts empty.
 */
export class StrictStation {
  /** The CSMS CALLs whose params passed strict validation and reached a handler, in order. */
  readonly received: Array<{ action: string; params: Payload }> = []
  readonly violations: string[] = []
  private readonly answers = new Map<string, Answer>()
  /** Raw frames sent around strict mode, by message id: their answers are checked, not refused. */
  private readonly raw = new Map<string, (frame: unknown[]) => void>()
  private readonly rawAnswered = new Set<string>()
  /** The message ids of every frame the CSMS sent. */
  private readonly idsFromCsms = new Set<string>()

  private constructor(
    readonly id: string,
    readonly protocol: StrictProtocol,
    private readonly client: RPCClient,
  ) {
    client.handle(async ({ method, params }) => {
      const action = String(method)
      const payload = isObject(params) ? params : {}
      this.received.push({ action, params: payload })
      const answer = this.answers.get(action)
      if (!answer) throw createRPCError('NotSupported', `the test station does not answer ${action}`)
      return answer(payload)
    })
    client.on('strictValidationFailure', (e: { method: string; outbound: boolean; error: Error }) => {
      const what = e.outbound ? 'sent by the test station' : 'sent by the CSMS'
      this.violations.push(`strict mode refused ${e.method} ${what}: ${e.error.message}`)
    })
    client.on('badMessage', (e: { buffer: Buffer; error: Error }) => {
      // ocpp-rpc calls the answer to a raw frame one to an unknown message id, which it is.
      if (this.rawAnswered.has(idOf(String(e.buffer)))) return
      this.violations.push(`malformed message from the CSMS (${e.error.message}): ${String(e.buffer)}`)
    })
    client.on('message', (e: { message: Buffer | string; outbound: boolean }) => {
      if (!e.outbound) this.checkFrame(String(e.message))
    })
  }

  static async connect(
    gatewayUrl: string,
    id: string,
    protocol: StrictProtocol,
    password?: string,
  ): Promise<StrictStation> {
    const client = new RPCClient({
      endpoint: gatewayUrl,
      identity: id,
      protocols: [protocol],
      strictMode: true,
      ...(protocol === 'ocpp2.1' ? { strictModeValidators: [ocpp21StrictValidator()] } : {}),
      reconnect: false,
      callTimeoutMs: 15_000,
      ...(password === undefined ? {} : { password }),
    } as ConstructorParameters<typeof RPCClient>[0])
    const station = new StrictStation(id, protocol, client)
    await client.connect()
    assert.equal(client.protocol, protocol, 'the gateway agreed another subprotocol')
    return station
  }

  /** How the station answers a CSMS CALL of this action (unanswered ones get NotSupported). */
  answer(action: string, answer: Answer): this {
    this.answers.set(action, answer)
    return this
  }

  /** A station CALL; rejects with an RPCError on a CALLERROR or a CALLRESULT strict mode refuses. */
  async call<T = Payload>(action: string, params: Payload): Promise<T> {
    return (await this.client.call(action, params)) as T
  }

  /**
   * Sends a frame strict mode would refuse to send (a broken CALL, an unknown action) and
   * resolves with the CSMS's answer to `expectId`, after checking its frame like any other.
   */
  sendRaw(text: string, expectId: string, timeoutMs = 10_000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.raw.delete(expectId)
        reject(new Error(`no answer to raw frame ${expectId} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.raw.set(expectId, (frame) => {
        clearTimeout(timer)
        resolve(frame)
      })
      this.client.sendRaw(text)
    })
  }

  /** Sends a frame OCPP-J says the CSMS must not answer (a SEND, a CALLRESULTERROR). */
  sendUnanswered(text: string): void {
    this.client.sendRaw(text)
  }

  /** Whether any frame from the CSMS carried this message id. */
  sawFrameWithId(id: string): boolean {
    return this.idsFromCsms.has(id)
  }

  callsOf(action: string): Payload[] {
    return this.received.filter((c) => c.action === action).map((c) => c.params)
  }

  assertConformant(): void {
    assert.deepEqual(this.violations, [], `${this.id}: the CSMS broke OCPP-J or the schemas`)
  }

  async close(): Promise<void> {
    await this.client.close({ code: 1000, awaitPending: false })
  }

  /** What strict mode leaves unchecked: the frame itself, and every CALLERROR. */
  private checkFrame(text: string): void {
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
    if (typeof id === 'string') this.idsFromCsms.add(id)
    const raw = typeof id === 'string' ? this.raw.get(id) : undefined
    if (raw && typeof id === 'string') {
      this.raw.delete(id)
      this.rawAnswered.add(id)
      raw(frame)
    }
    if (typeof id !== 'string' || id.length === 0 || [...id].length > MAX_ID) fail('bad message id')
    switch (type) {
      case 2:
        if (frame.length !== 4 || typeof frame[2] !== 'string' || !isObject(frame[3])) fail('bad CALL')
        return
      case 3:
        if (frame.length !== 3 || !isObject(frame[2])) fail('bad CALLRESULT')
        return
      case 4:
      case 5: {
        // CALLRESULTERROR (5) is OCPP 2.1's answer to a broken CALLRESULT, shaped as a CALLERROR.
        if (type === 5 && this.protocol !== 'ocpp2.1') fail(`message type 5 is not one of ${this.protocol}`)
        const [, , code, description, details] = frame as unknown[]
        if (frame.length !== 5) fail('a CALLERROR has five elements')
        if (typeof code !== 'string' || !errorCodesOf(this.protocol).has(code))
          fail(`error code not in the ${this.protocol} table`)
        if (typeof description !== 'string' || [...description].length > MAX_DESCRIPTION[this.protocol])
          fail('bad errorDescription')
        if (!isObject(details)) fail('errorDetails is not an object')
        return
      }
      default:
        fail(`message type ${String(type)} is not one of ${this.protocol}`)
    }
  }
}
