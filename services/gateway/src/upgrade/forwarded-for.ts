/** uWS reports IPv4 peers of a dual-stack listener as IPv4-mapped IPv6 addresses. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/**
 * The station's address. Behind trusted proxies it is the rightmost X-Forwarded-For entry that
 * is not itself a trusted proxy: entries further left were written by the client and can be
 * forged (a station dodging the per-address limit). Undefined when a trusted proxy forwarded
 * no address at all, so that every station behind it does not share the proxy's address.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string,
  trustedProxies: ReadonlySet<string>,
): { address: string | undefined; viaProxy: boolean } {
  if (!trustedProxies.has(peer)) return { address: peer, viaProxy: false }
  const hops = forwardedFor
    .split(',')
    .map((h) => normalizeAddress(h.trim()))
    .filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (!trustedProxies.has(hop)) return { address: hop, viaProxy: true }
  }
  return { address: undefined, viaProxy: true }
}
