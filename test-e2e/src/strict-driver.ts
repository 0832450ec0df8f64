// What the strict-mode flows (strict-flows-*.ts) need of a charging station played by an OCPP
// library independent of the platform: StrictStation (ocpp-rpc) and WsIoStation (ocpp-ws-io)
// implement it, so that every flow is written once and judged by both libraries.

export type Payload = Record<string, unknown>
export type StrictProtocol = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1'
/** How a station answers one CSMS CALL: the CALLRESULT payload. */
export type Answer = (params: Payload) => Payload
export type ReceivedCall = { action: string; params: Payload }

export interface StrictDriver {
  readonly id: string
  readonly protocol: StrictProtocol
  /** The CSMS CALLs whose params passed strict validation and reached a handler, in order. */
  readonly received: readonly ReceivedCall[]
  /** What strict mode or the frame checks caught; every flow asserts it empty. */
  readonly violations: readonly string[]

  /** How the station answers a CSMS CALL of this action (unanswered ones get NotSupported). */
  answer(action: string, answer: Answer): this
  /** A station CALL; rejects on a CALLERROR or on a CALLRESULT strict mode refuses. */
  call<T = Payload>(action: string, params: Payload): Promise<T>
  /** A station CALL the CSMS must refuse: the error code of its CALLERROR. */
  refusal(action: string, params: Payload): Promise<string>
  /** Sends a frame strict mode would refuse and resolves with the CSMS's answer to `expectId`. */
  sendRaw(text: string, expectId: string, timeoutMs?: number): Promise<unknown[]>
  /** Sends a frame OCPP-J says the CSMS must not answer (a SEND, a CALLRESULTERROR). */
  sendUnanswered(text: string): void
  /** Whether any frame from the CSMS carried this message id. */
  sawFrameWithId(id: string): boolean
  callsOf(action: string): Payload[]
  assertConformant(): void
  close(): Promise<void>
}

/** Connects a station to the gateway (over HTTP Basic auth when a password is given). */
export type ConnectDriver = (
  gatewayUrl: string,
  id: string,
  protocol: StrictProtocol,
  password?: string,
) => Promise<StrictDriver>

/** The OCPP-J error code an RPC error of either library carries, if it is one. */
export const rpcErrorCodeOf = (error: unknown): string | undefined => {
  const code = (error as { rpcErrorCode?: unknown } | null)?.rpcErrorCode
  return typeof code === 'string' ? code : undefined
}

export const isObject = (v: unknown): v is Payload => typeof v === 'object' && v !== null && !Array.isArray(v)
