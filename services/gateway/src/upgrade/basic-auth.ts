/**
 * Reads HTTP Basic credentials. OCPP security profiles 1 and 2 send user = station id. A station
 * id may itself contain ':' (OCPP allows it), so when the expected user is known the split is
 * right after it; otherwise at the first ':' (RFC 7617: the user-id holds no colon).
 */
export function parseBasicAuth(
  header: string,
  expectedUser?: string,
): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  if (expectedUser !== undefined && decoded.startsWith(`${expectedUser}:`)) {
    return { user: expectedUser, password: decoded.slice(expectedUser.length + 1) }
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}
