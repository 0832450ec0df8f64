/** The three OCPP-J protocol versions this CSMS speaks, in the short form used in NATS subjects. */
export const OCPP_VERSIONS = ['v16', 'v201', 'v21'] as const
export type OcppVersion = (typeof OCPP_VERSIONS)[number]

/** WebSocket subprotocol names (RFC 6455 Sec-WebSocket-Protocol), newest first: the order the gateway prefers. */
export const SUBPROTOCOL_PREFERENCE = ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'] as const
export type OcppSubprotocol = (typeof SUBPROTOCOL_PREFERENCE)[number]

const VERSION_BY_SUBPROTOCOL: ReadonlyMap<string, OcppVersion> = new Map<OcppSubprotocol, OcppVersion>([
  ['ocpp2.1', 'v21'],
  ['ocpp2.0.1', 'v201'],
  ['ocpp1.6', 'v16'],
])

const SUBPROTOCOL_BY_VERSION: Readonly<Record<OcppVersion, OcppSubprotocol>> = {
  v16: 'ocpp1.6',
  v201: 'ocpp2.0.1',
  v21: 'ocpp2.1',
}

/** Subprotocol tokens are compared exactly: the OCPP-J specifications give them in lower case only. */
export function versionOfSubprotocol(p: string): OcppVersion | undefined {
  return VERSION_BY_SUBPROTOCOL.get(p)
}

export function subprotocolOf(v: OcppVersion): OcppSubprotocol {
  return SUBPROTOCOL_BY_VERSION[v]
}

export function isOcppVersion(v: unknown): v is OcppVersion {
  return v === 'v16' || v === 'v201' || v === 'v21'
}
