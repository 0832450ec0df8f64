/**
 * Loopback source addresses for a large fleet. Each local address has its own ephemeral port
 * range (about 28,000 ports here), so spreading 50,000 sockets over several 127.0.0.x
 * addresses keeps the port range from being the limit. Only loopback is ever used.
 */
export function loopbackSourceAddresses(count: number, first = 2): string[] {
  if (count <= 0) return []
  if (first < 1 || first + count - 1 > 254)
    throw new RangeError('source addresses must stay within 127.0.0.1-254')
  return Array.from({ length: count }, (_, i) => `127.0.0.${first + i}`)
}

/** The target host must itself be loopback for us to bind a loopback source address. */
export function isLoopbackUrl(url: string): boolean {
  return url.split(',').every((u) => {
    const host = new URL(u.trim()).hostname
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  })
}

/** Station `index` uses address `index mod n`: neighbours land on different addresses. */
export function sourceAddressFor(addresses: readonly string[], index: number): string | undefined {
  return addresses.length === 0 ? undefined : addresses[index % addresses.length]
}
