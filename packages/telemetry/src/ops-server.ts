import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'

export type OpsServer = { port: number; close(): Promise<void> }

export type OpsServerOptions = {
  host: string
  port: number
  registry: Registry
  /** Ready means: dependencies reachable, subscriptions in place. */
  isReady: () => boolean | Promise<boolean>
}

/** /healthz (alive), /readyz (ready to serve) and /metrics (Prometheus) on their own port. */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]
      if (path === '/healthz') return reply(200, 'text/plain', 'ok\n')
      if (path === '/readyz') {
        const ready = await Promise.resolve(opts.isReady()).catch(() => false)
        return reply(ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : 'not ready\n')
      }
      if (path === '/metrics') return reply(200, opts.registry.contentType, await opts.registry.metrics())
      return reply(404, 'text/plain', 'not found\n')
    })().catch(() => reply(500, 'text/plain', 'error\n'))

    function reply(status: number, type: string, body: string): void {
      res.writeHead(status, { 'content-type': type }).end(body)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
