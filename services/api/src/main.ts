import { createServiceRuntime } from '@csms/bus'
import { serve } from '@hono/node-server'
import { createApiApp } from './app.js'
import { readConfig } from './config.js'

const config = readConfig()
const runtime = await createServiceRuntime({
  name: 'api',
  natsUrl: config.NATS_URL,
  opsHost: config.CSMS_OPS_HOST,
  opsPort: config.CSMS_OPS_PORT,
})
const app = createApiApp({ config, nc: runtime.nc, logger: runtime.logger })
const server = serve({ fetch: app.fetch, hostname: config.CSMS_API_HOST, port: config.CSMS_API_PORT })
runtime.onShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())))
runtime.logger.info({ port: config.CSMS_API_PORT }, 'operator API listening')
await runtime.serve()
process.exit(0)
