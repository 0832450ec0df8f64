import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * The kernel's range for the local ports of outgoing connections (Linux: 32768-60999). A port
 * handed out from inside it can be taken by any client socket (a NATS or PostgreSQL client of
 * a test, a load generator) between the moment it was found free and the moment the server
 * under test binds it, which made platform starts fail with EADDRINUSE under load.
 */
export function ephemeralPortRange(path = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] {
  try {
    const [low, high] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number)
    if (low && high && low <= high) return [low, high]
  } catch {
    // Not Linux: assume the IANA dynamic range.
  }
  return [49152, 65535]
}

/** The ports freePort chooses from: below the ephemeral range, above the well-known services. */
export function testPortRange(ephemeral = ephemeralPortRange()): [number, number] {
  const high = ephemeral[0] - 1
  const low = Math.min(15_000, high - 1_000)
  return [low, high]
}

// Handed out by this process already: two callers in a row never get the same port.
const given = new Set<number>()

function tryBind(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(undefined) : reject(err),
    )
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address()
      const bound = typeof address === 'object' && address !== null ? address.port : undefined
      server.close((err) => (err ? reject(err) : resolve(bound)))
    })
  })
}

/**
 * A port that is free right now on `host`, chosen at random below the kernel's ephemeral range
 * so that no outgoing connection takes it before the caller binds it. Another test process may
 * still pick the same one (unlikely among ~17,000): callers that start servers retry on
 * "address in use" rather than trusting the answer blindly.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [low, high] = testPortRange()
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = low + Math.floor(Math.random() * (high - low + 1))
    if (given.has(candidate)) continue
    given.add(candidate) // reserved before the await, so concurrent callers skip it
    if ((await tryBind(host, candidate)) !== undefined) return candidate
    given.delete(candidate)
  }
  const port = await tryBind(host, 0)
  if (port === undefined) throw new Error(`could not find a free port on ${host}`)
  return port
}
