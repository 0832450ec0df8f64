import { type OcppVersion, SUBPROTOCOL_PREFERENCE, versionOfSubprotocol } from '@csms/ocpp'

/** Picks the best protocol both sides speak: ocpp2.1, then ocpp2.0.1, then ocpp1.6. */
export function chooseSubprotocol(header: string): { protocol: string; version: OcppVersion } | undefined {
  const offered = new Set(
    header
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  )
  for (const protocol of SUBPROTOCOL_PREFERENCE) {
    const version = versionOfSubprotocol(protocol)
    if (offered.has(protocol) && version) return { protocol, version }
  }
  return undefined
}
