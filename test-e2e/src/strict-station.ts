import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createRPCError, createValidator, RPCClient } from 'ocpp-rpc'
import { isObject, type Payload, rpcErrorCodeOf, type StrictProtocol } from './strict-driver.js'
import { idOf } from './strict-frame-rules.js'
import { StrictStationBase } from './strict-station-base.js'

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

/**
 * A charging station played by ocpp-rpc, an OCPP library independent of the platform, in strict
 * mode: its calls reject when the CSMS's CALLRESULT breaks the official schema, and a CSMS CALL
 * that breaks it never reaches a handler. Anything strict mode or the frame checks catch lands in
 * `violations`, which every test asserts empty.
 */
export class StrictStation extends StrictStationBase {
  private constructor(
    id: string,
    protocol: StrictProtocol,
    private readonly client: RPCClient,
  ) {
    super(id, protocol)
    client.handle(async ({ method, params }) => {
      const action = String(method)
      const answer = this.handled(action, isObject(params) ? params : {})
      if (!answer) throw createRPCError('NotSupported', `the test station does not answer ${action}`)
      return answer
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

  /** A station CALL; rejects with an RPCError on a CALLERROR or a CALLRESULT strict mode refuses. */
  async call<T = Payload>(action: string, params: Payload): Promise<T> {
    return (await this.client.call(action, params)) as T
  }

  /** A station CALL the CSMS must refuse: the code ocpp-rpc read from its CALLERROR. */
  async refusal(action: string, params: Payload): Promise<string> {
    const error = await this.call(action, params).then(
      (result) => assert.fail(`${action} was answered ${JSON.stringify(result)}`),
      (e: unknown) => e,
    )
    const code = rpcErrorCodeOf(error)
    assert.ok(code, `${action} failed without a CALLERROR: ${String(error)}`)
    return code
  }

  async close(): Promise<void> {
    await this.client.close({ code: 1000, awaitPending: false })
  }

  protected sendText(text: string): void {
    this.client.sendRaw(text)
  }

  /** Strict mode checks the payloads; the frame rules are the base's. */
  protected checkMore(): void {}
}
