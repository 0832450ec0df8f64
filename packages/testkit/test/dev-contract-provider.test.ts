import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  DEV_CONTRACT_PLACEHOLDER_EXI,
  type DevContractProvider,
  startDevContractProvider,
} from '../src/index.js'

const aRequest = (over: Record<string, unknown> = {}) => ({
  stationId: 'CS-1',
  iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef',
  action: 'Install',
  exiRequest: 'RVhJLXJlcXVlc3Q=',
  ...over,
})

describe('startDevContractProvider', () => {
  let provider: DevContractProvider
  const post = (body: unknown, headers: Record<string, string> = { authorization: 'Bearer s3cret' }) =>
    fetch(provider.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  before(async () => {
    provider = await startDevContractProvider({ token: 's3cret', remainingContracts: 2 })
  })
  after(() => provider.stop())

  it('listens on loopback at /contracts on a port of its own', () => {
    assert.match(provider.url, /^http:\/\/127\.0\.0\.1:\d+\/contracts$/)
  })

  it('answers Accepted with a labelled placeholder, never a contract, and records the call', async () => {
    const request = aRequest({ maximumContractCertificateChains: 1, prioritizedEMAIDs: ['DE8ACC123456789'] })
    const res = await post(request)
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), {
      status: 'Accepted',
      exiResponse: DEV_CONTRACT_PLACEHOLDER_EXI,
      remainingContracts: 2,
    })
    assert.match(
      Buffer.from(DEV_CONTRACT_PLACEHOLDER_EXI, 'base64').toString(),
      /^CSMS DEVELOPMENT PLACEHOLDER: not EXI/,
    )
    assert.ok(DEV_CONTRACT_PLACEHOLDER_EXI.length <= 5600, 'fits a 2.0.1 exiResponse')
    assert.deepEqual(provider.calls.at(-1), { authorization: 'Bearer s3cret', body: request, status: 200 })
  })

  it('refuses a missing or wrong bearer token with 401', async () => {
    const missing = await post(aRequest(), {})
    assert.equal(missing.status, 401)
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer')
    assert.equal((await post(aRequest(), { authorization: 'Bearer s3cre' })).status, 401)
    assert.equal((await post(aRequest(), { authorization: 's3cret' })).status, 401)
    assert.deepEqual(
      provider.calls.slice(-3).map((c) => [c.authorization, c.status]),
      [
        [undefined, 401],
        ['Bearer s3cre', 401],
        ['s3cret', 401],
      ],
    )
  })

  it('refuses a malformed body with 400 and says what is wrong', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /not a JSON object/],
      [[aRequest()], /not a JSON object/],
      [aRequest({ stationId: '' }), /stationId/],
      [aRequest({ iso15118SchemaVersion: 15118 }), /iso15118SchemaVersion/],
      [aRequest({ action: 'Delete' }), /action must be Install or Update/],
      [aRequest({ exiRequest: 'not base64!' }), /exiRequest must be base64/],
      [aRequest({ exiRequest: undefined }), /exiRequest/],
      [aRequest({ maximumContractCertificateChains: -1 }), /maximumContractCertificateChains/],
      [aRequest({ prioritizedEMAIDs: [1] }), /prioritizedEMAIDs/],
      [aRequest({ emaid: 'DE8ACC123456789' }), /unknown field emaid/],
    ]
    for (const [body, why] of cases) {
      const res = await post(body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.match(((await res.json()) as { detail: string }).detail, why)
    }
    assert.deepEqual(provider.calls.at(-10)?.body, '{not json', 'unparseable bodies are recorded as text')
  })

  it('answers only POST on its own path', async () => {
    const get = await fetch(provider.url)
    assert.deepEqual([get.status, get.headers.get('allow')], [405, 'POST'])
    const elsewhere = await fetch(provider.url.replace('/contracts', '/other'), { method: 'POST' })
    assert.equal(elsewhere.status, 404)
  })

  it('answers Failed or 503 when switched to, for tests of the failure path', async (t) => {
    t.after(() => {
      provider.mode = 'accept'
    })
    provider.mode = 'fail'
    const failed = await post(aRequest())
    assert.deepEqual([failed.status, await failed.json()], [200, { status: 'Failed', exiResponse: '' }])
    provider.mode = 'unavailable'
    assert.equal((await post(aRequest())).status, 503)
    provider.mode = 'accept'
    assert.equal((await post(aRequest())).status, 200)
  })

  it('accepts any caller when no token is configured, and stops', async () => {
    const open = await startDevContractProvider()
    const res = await fetch(open.url, { method: 'POST', body: JSON.stringify(aRequest()) })
    assert.deepEqual(await res.json(), {
      status: 'Accepted',
      exiResponse: DEV_CONTRACT_PLACEHOLDER_EXI,
      remainingContracts: 0,
    })
    await open.stop()
    await open.stop()
    await assert.rejects(fetch(open.url, { method: 'POST', body: '{}' }))
  })
})
