import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'
import { openSse } from './sse-client.js'
import { TestStation } from './station-client.js'

describe('operator API: tokens, scopes, events, deregistration, documentation', () => {
  let platform: E2ePlatform
  before(async () => {
    platform = await startE2ePlatform({ CSMS_API_BODY_LIMIT_BYTES: '4096' })
  })
  after(async () => {
    await platform?.stop()
  })
  const as = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${platform.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    })

  it('creates scoped tokens, enforces their scopes, and refuses them once revoked', async () => {
    const created = await platform.api('/v1/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'billing', scopes: ['read'] }),
    })
    assert.equal(created.status, 201)
    const reader = (await created.json()) as { id: string; token: string; scopes: string[] }
    assert.deepEqual(reader.scopes, ['read'])
    assert.match(reader.token, /^csms_/)

    assert.equal((await as(reader.token, '/v1/stations')).status, 200)
    const forbidden = await as(reader.token, '/v1/stations/X-1', { method: 'PUT', body: '{}' })
    assert.equal(forbidden.status, 403)
    assert.equal(forbidden.headers.get('content-type'), 'application/problem+json')
    assert.equal(
      (await as(reader.token, '/v1/stations/X/commands/Reset', { method: 'POST', body: '{}' })).status,
      403,
    )

    const listed = (await (await platform.api('/v1/tokens')).json()) as {
      items: Array<Record<string, unknown>>
    }
    assert.ok(listed.items.some((t) => t.id === reader.id))
    assert.ok(
      listed.items.every((t) => !('token' in t) && !('token_hash' in t)),
      'no secret is listed',
    )

    assert.equal((await platform.api(`/v1/tokens/${reader.id}`, { method: 'DELETE' })).status, 204)
    await waitFor(async () => (await as(reader.token, '/v1/stations')).status === 401, {
      timeoutMs: 15_000,
      description: 'the revoked token to be refused',
    })
  })

  it('answers bad requests with problem details naming the field, and limits body size', async () => {
    const bad = await platform.api('/v1/stations/X-2', {
      method: 'PUT',
      body: JSON.stringify({ password: 'short' }),
    })
    assert.equal(bad.status, 400)
    const problem = (await bad.json()) as { status: number; errors: Array<{ path: string }> }
    assert.equal(problem.status, 400)
    assert.equal(problem.errors[0]?.path, 'password')
    const big = await platform.api('/v1/stations/X-2', {
      method: 'PUT',
      body: JSON.stringify({ labels: { a: 'x'.repeat(10_000) } }),
    })
    assert.equal(big.status, 413)
    assert.equal((await platform.api('/v1/nothing-here')).status, 404)
  })

  it('streams domain events and resumes after a dropped connection without missing one', async () => {
    const auth = { authorization: `Bearer ${platform.token}` }
    const url = `${platform.apiUrl}/v1/events?type=station`
    const first = await openSse(url, auth)
    assert.equal(first.status, 200)
    const a = await TestStation.connect(platform.gatewayUrl, 'SSE-A')
    await first.waitFor((es) => es.some((e) => e.event === 'station.connected' && e.data.includes('SSE-A')))
    const lastSeen = first.events.at(-1)?.id as string
    await first.stop()

    // While the client is away: SSE-A leaves, SSE-B arrives.
    await a.close()
    const b = await TestStation.connect(platform.gatewayUrl, 'SSE-B')
    const resumed = await openSse(url, { ...auth, 'last-event-id': lastSeen })
    await resumed.waitFor(
      (es) =>
        es.some((e) => e.event === 'station.disconnected' && e.data.includes('SSE-A')) &&
        es.some((e) => e.event === 'station.connected' && e.data.includes('SSE-B')),
    )
    assert.ok(
      resumed.events.every((e) => Number(e.id) > Number(lastSeen)),
      'nothing already seen is repeated',
    )
    await resumed.stop()
    await b.close()
  })

  it('deregisters a station: its credentials are removed and its socket closes', async () => {
    const put = await platform.api('/v1/stations/DEREG-1', {
      method: 'PUT',
      body: JSON.stringify({ password: 'dereg-password-0001' }),
    })
    assert.equal(put.status, 200)
    const station = await TestStation.connect(platform.gatewayUrl, 'DEREG-1', {
      password: 'dereg-password-0001',
    })
    const closed = new Promise<number>((resolve) => station.ws.once('close', (code) => resolve(code)))
    assert.equal((await platform.api('/v1/stations/DEREG-1', { method: 'DELETE' })).status, 204)
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 10_000))])
    assert.notEqual(code, 'still open', 'the socket closes after deregistration')
    assert.notEqual(code, 1000)
  })

  it('publishes its OpenAPI 3.1 document and a reference page without a token', async () => {
    const doc = (await (await fetch(`${platform.apiUrl}/openapi.json`)).json()) as {
      openapi: string
      paths: Record<string, unknown>
    }
    assert.equal(doc.openapi, '3.1.0')
    for (const path of [
      '/v1/stations/{id}',
      '/v1/stations/{id}/commands/{action}',
      '/v1/tokens',
      '/v1/events',
    ]) {
      assert.ok(path in doc.paths, `${path} is documented`)
    }
    const docs = await fetch(`${platform.apiUrl}/docs`)
    assert.equal(docs.status, 200)
    assert.match(await docs.text(), /\/v1\/stations\/\{id\}/)
  })
})
