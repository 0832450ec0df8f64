import { createServer } from 'node:net'

/**
 * Asks the kernel for a port that is free right now on `host`.
 * Another process may take it before the caller binds it: callers that start servers retry
 * on "address in use" rather than trusting the answer blindly.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : undefined
      server.close((err) => {
        if (err) reject(err)
        else if (port === undefined) reject(new Error(`could not read back a free port on ${host}`))
        else resolve(port)
      })
    })
  })
}
