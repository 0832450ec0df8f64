import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { runCommand, waitFor } from '@csms/testkit'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'
import { TestStation } from './station-client.js'

// Small helpers for the operator API's end-to-end tests: calls with a given token, tokens of a
// scope, problem details, what the services stored, and a booted station.

export type Problem = {
  type: string
  title: string
  status: number
  detail?: string
  errors?: Array<{ path: string; message: string }>
  ocppErrorCode?: string
}

export function callAs(
  platform: E2ePlatform,
  token: string | undefined,
  path: string,
  init: RequestInit = {},
) {
  return fetch(`${platform.apiUrl}${path}`, {
    ...init,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      'content-type': 'application/json',
      ...init.headers,
    },
  })
}

/** A new operator token holding these scopes (made with the bootstrap admin token). */
export async function tokenWith(platform: E2ePlatform, ...scopes: string[]): Promise<string> {
  const res = await platform.api('/v1/tokens', {
    method: 'POST',
    body: JSON.stringify({ name: `e2e-${scopes.join('-')}`, scopes }),
  })
  assert.equal(res.status, 201)
  return ((await res.json()) as { token: string }).token
}

/** Asserts an RFC 9457 problem response with this status and returns its body. */
export async function problemOf(res: Response, status: number): Promise<Problem> {
  const text = await res.text()
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${text}`)
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  const body = JSON.parse(text) as Problem
  assert.equal(body.status, status)
  return body
}

/** Asserts a JSON response with this status and returns its body. */
export async function jsonOf<T>(res: Response, status: number): Promise<T> {
  const text = await res.text()
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${text}`)
  return JSON.parse(text) as T
}

/** Checks the three ways a token can fail on one request: none, unknown, too small a scope. */
export async function assertGuarded(
  platform: E2ePlatform,
  path: string,
  init: RequestInit,
  weaker: { token: string; needs: 'command' | 'admin' } | undefined,
): Promise<void> {
  const none = await problemOf(await callAs(platform, undefined, path, init), 401)
  assert.match(none.detail ?? '', /bearer token is required/)
  const wrong = await callAs(platform, 'csms_not-a-token-anybody-issued', path, init)
  await problemOf(wrong, 401)
  assert.equal(wrong.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  if (weaker) {
    const forbidden = await callAs(platform, weaker.token, path, init)
    const body = await problemOf(forbidden, 403)
    assert.match(body.detail ?? '', new RegExp(`lacks the ${weaker.needs} scope`))
  }
}

/** Rows of a query on the platform's database, as JSON (psql, so no client library is needed). */
export async function queryRows<T>(platform: E2ePlatform, query: string): Promise<T[]> {
  const { stdout } = await runCommand('psql', [
    platform.databaseUrl,
    '-X',
    '-q',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    `select coalesce(json_agg(q), '[]'::json) from (${query}) q`,
  ])
  return JSON.parse(stdout) as T[]
}

/** A 2.0.1 station over WebSocket that has booted and that the API reports connected. */
export async function bootedStation(
  platform: E2ePlatform,
  id: string,
  password?: string,
): Promise<TestStation> {
  const station = await TestStation.connect(
    platform.gatewayUrl,
    id,
    password === undefined ? {} : { password },
  )
  const boot = await station.call('BootNotification', {
    reason: 'PowerUp',
    chargingStation: { vendorName: 'Acme', model: 'AC-22' },
  })
  assert.equal(boot[0], 3)
  await waitFor(
    async () => {
      const res = await platform.api(`/v1/stations/${encodeURIComponent(id)}`)
      return res.status === 200 && ((await res.json()) as { connected: boolean }).connected
    },
    { timeoutMs: 15_000, description: `${id} reported connected` },
  )
  return station
}

/** The CALLs of this action the CSMS sent to the station, their payloads in order. */
export function callsOf(station: TestStation, action: string): unknown[] {
  return station.received.filter((f) => f[0] === 2 && f[2] === action).map((f) => f[3])
}

export type ApiSuite = {
  platform: E2ePlatform
  /** A token with the read scope only. */
  reader: string
  /** A token with the command scope. */
  commander: string
}

/**
 * The hooks every operator-API suite needs, registered on the enclosing describe: a platform
 * started with `env` (computed in the before hook), a read and a command token, and at the end
 * the stations it booted closed and the platform stopped. `ready` receives the suite's handles;
 * the returned function boots a station that is closed after the suite.
 */
export function useApiPlatform(
  env: () => Promise<Record<string, string>> | Record<string, string>,
  ready: (suite: ApiSuite) => void,
): (id: string, password?: string) => Promise<TestStation> {
  let platform: E2ePlatform | undefined
  const stations: TestStation[] = []
  before(async () => {
    platform = await startE2ePlatform(await env())
    ready({
      platform,
      reader: await tokenWith(platform, 'read'),
      commander: await tokenWith(platform, 'command'),
    })
  })
  after(async () => {
    for (const s of stations) await s.close()
    await platform?.stop()
  })
  return async (id, password) => {
    if (!platform) throw new Error('the platform is not up: boot stations inside tests')
    const s = await bootedStation(platform, id, password)
    stations.push(s)
    return s
  }
}
