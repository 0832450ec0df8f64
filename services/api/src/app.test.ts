import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { createApiApp } from './app.js'
import { ApiConfigSchema } from './config.js'
import type { Scope } from './tokens/scopes.js'
import type { TokenStore } from './tokens/token-store.js'

// The app without NATS: every request that reaches a service fails as "unavailable" (503),
// which shows it got past authentication and validation.
function anApp() {
  const held: Record<string, Scope[]> = { reader: ['read'], commander: ['command'], admin: ['admin'] }
  const tokens = { scopesOf: async (token: string) => held[token] ?? null } as unknown as TokenStore
  const nc = {
    request: () => Promise.reject(new Error('no NATS in this test')),
    isClosed: () => true,
  } as unknown as NatsConnection
  return createApiApp({
    config: ApiConfigSchema.parse({ CSMS_API_TOKEN: 'x'.repeat(24) }),
    nc,
    js: {} as JetStreamClient,
    tokens,
    logger: { error: () => undefined },
  })
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const
type Operation = { responses: Record<string, { content?: Record<string, unknown> }> }

describe('operator API app', () => {
  const app = anApp()
  const call = (token: string | undefined, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('lets a command token start and stop sessions remotely, and refuses a read token', async () => {
    const start = { stationId: 'CS-1', idToken: { idToken: 'A', type: 'Central' } }
    assert.equal((await call('reader', 'POST', '/v1/transactions', start)).status, 403)
    assert.equal((await call('reader', 'POST', '/v1/transactions/42/stop')).status, 403)
    assert.equal((await call('commander', 'POST', '/v1/transactions', { stationId: 'CS-1' })).status, 400)
    assert.equal((await call('commander', 'POST', '/v1/transactions', start)).status, 503)
    assert.equal((await call('commander', 'POST', '/v1/transactions/42/stop')).status, 503)
    // Tariffs stay an admin's.
    const tariff = { scope: 'default', currency: 'EUR', pricePerKwh: 0.3, pricePerMinute: 0 }
    assert.equal((await call('commander', 'PUT', '/v1/tariffs/T', tariff)).status, 403)
    assert.equal((await call('admin', 'PUT', '/v1/tariffs/T', tariff)).status, 503)
    assert.equal((await call(undefined, 'GET', '/v1/transactions')).status, 401)
  })

  it('documents 401 on every /v1 route, 403 on every change, and 400 where input is checked', async () => {
    const res = await app.request('/openapi.json')
    const doc = (await res.json()) as { paths: Record<string, Partial<Record<string, Operation>>> }
    let operations = 0
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue
      for (const method of METHODS) {
        const op = item[method]
        if (!op) continue
        operations++
        const where = `${method.toUpperCase()} ${path}`
        assert.ok(op.responses['401']?.content?.['application/problem+json'], `${where} documents 401`)
        assert.equal('403' in op.responses, method !== 'get', `${where} documents 403 only for a change`)
      }
    }
    assert.ok(operations >= 60, `${operations} operations`)
    const reservations = doc.paths['/v1/reservations']?.get
    assert.ok(reservations?.responses['400'], 'GET /v1/reservations documents its missing stationId')
    const rotation = doc.paths['/v1/stations/{id}/password-rotation']?.post
    assert.ok(rotation?.responses['413'], 'a route with a body documents the body limit')
    // A route's own description wins over the common one.
    const start = doc.paths['/v1/transactions']?.post?.responses['400'] as { description?: string }
    assert.equal(start.description, 'Invalid body')
  })
})
