import { createServiceRuntime } from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import { serve } from '@hono/node-server'
import { createApiApp } from './app.js'
import { readConfig } from './config.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { type ApiDb, createTokenStore } from './tokens/token-store.js'

const config = readConfig()
const runtime = await createServiceRuntime({
  name: 'api',
  natsUrl: config.NATS_URL,
  opsHost: config.CSMS_OPS_HOST,
  opsPort: config.CSMS_OPS_PORT,
})
const root = createDb<ApiDb>({ url: config.DATABASE_URL, applicationName: 'csms-api' })
await migrateToLatest(root, { schema: SCHEMA, migrations })
runtime.addReadinessCheck(() => pingDb(root))
const tokens = createTokenStore(root.withSchema(SCHEMA), { bootstrapToken: config.CSMS_API_TOKEN })
const app = createApiApp({ config, nc: runtime.nc, js: runtime.js, tokens, logger: runtime.logger })
const server = serve({ fetch: app.fetch, hostname: config.CSMS_API_HOST, port: config.CSMS_API_PORT })
runtime.onShutdown(() => root.destroy())
// Registered last, so it runs first: stop taking requests before NATS and the database go away.
runtime.onShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())))
runtime.logger.info({ port: config.CSMS_API_PORT }, 'operator API listening')
await runtime.serve()
process.exit(0)
