import { type ServiceName, servicesReady } from '@csms/bus'
import { OpenAPIHono } from '@hono/zod-openapi'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { bodyLimit } from 'hono/body-limit'
import type { ApiConfig } from './config.js'
import { bearerAuth } from './http/bearer-auth.js'
import { documentCommonProblems } from './http/common-problems.js'
import { problem } from './http/problem.js'
import { registerCampaignRoutes } from './routes/campaigns.js'
import { registerCommandRoutes } from './routes/commands.js'
import { registerDeviceJobRoutes } from './routes/device-jobs.js'
import { registerDeviceModelRoutes } from './routes/device-model.js'
import { renderDocs } from './routes/docs.js'
import { registerEventRoutes } from './routes/events.js'
import { registerIdTokenRoutes } from './routes/id-tokens.js'
import { registerMonitoringRoutes } from './routes/monitoring.js'
import { registerSmartChargingRoutes } from './routes/smart-charging.js'
import { registerStationRoutes } from './routes/stations.js'
import { registerTokenRoutes } from './routes/tokens.js'
import { registerTransactionRoutes } from './routes/transactions.js'
import type { TokenStore } from './tokens/token-store.js'

export type ApiLogger = { error(obj: object, msg: string): void }

/** The operator API as a Hono app; the same zod schemas check bodies and write /openapi.json. */
export function createApiApp(deps: {
  config: ApiConfig
  nc: NatsConnection
  js: JetStreamClient
  tokens: TokenStore
  logger: ApiLogger
}) {
  const { config, nc } = deps
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return
      const errors = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      return problem(c, 400, errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '), { errors })
    },
  })
  const required = config.CSMS_API_REQUIRED_SERVICES.split(',')
    .map((s) => s.trim())
    .filter(Boolean) as ServiceName[]

  app.get('/healthz', (c) => c.text('ok\n'))
  app.get('/readyz', async (c) => {
    const services = await servicesReady(nc, required)
    const ready = !nc.isClosed() && Object.values(services).every(Boolean)
    return c.json({ ready, services }, ready ? 200 : 503)
  })
  app.get('/openapi.json', (c) => c.json(document()))
  app.get('/docs', (c) => c.html(renderDocs(document() as unknown as Parameters<typeof renderDocs>[0])))

  app.use('/v1/*', bearerAuth(deps.tokens))
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: config.CSMS_API_BODY_LIMIT_BYTES,
      onError: (c) => problem(c, 413, 'body too large'),
    }),
  )
  registerStationRoutes(app, nc)
  registerCommandRoutes(app, nc, config.CSMS_API_COMMAND_TIMEOUT_MS)
  registerSmartChargingRoutes(app, nc)
  registerDeviceModelRoutes(app, nc)
  registerMonitoringRoutes(app, nc)
  registerDeviceJobRoutes(app, nc)
  registerCampaignRoutes(app, nc)
  registerTokenRoutes(app, deps.tokens)
  registerEventRoutes(app, deps.js)
  registerTransactionRoutes(app, nc, config.CSMS_API_COMMAND_TIMEOUT_MS)
  registerIdTokenRoutes(app, nc, config.CSMS_API_COMMAND_TIMEOUT_MS)
  documentCommonProblems(app.openAPIRegistry)
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })

  app.notFound((c) => problem(c, 404, `no route ${c.req.method} ${c.req.path}`))
  app.onError((error, c) => {
    const code = (error as { code?: string }).code
    if (code === 'unavailable' || code === 'timeout') return problem(c, 503, (error as Error).message)
    deps.logger.error({ err: error, path: c.req.path }, 'request failed')
    return problem(c, 500, 'internal error')
  })

  function document() {
    return app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'CSMS operator API', version: '1.0.0' },
      security: [{ bearer: [] }],
    })
  }
  return app
}
