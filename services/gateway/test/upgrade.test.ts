import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { AuthenticateStationRequest } from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { connectStation, type Fixture, startFixture, watchDisconnect } from './support/fixture.js'
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js'
import { refusal, type StationOptions, TestStation } from './support/test-station.js'

describe('WebSocket upgrade: subprotocol, station id, limits', () => {
  let f: Fixture
  let small: GatewayProcess | undefined
  const asked: AuthenticateStationRequest[] = []
  const stations: TestStation[] = []

  before(async () => {
    const env = {
      CSMS_GATEWAY_MAX_FAILED_AUTH_PER_MIN: '3',
      CSMS_GATEWAY_MAX_FAILED_AUTH_PER_ADDRESS_PER_MIN: '5',
    }
    f = await startFixture(env, (req) => {
      asked.push(req)
      return req.stationId.startsWith('BAD')
        ? { accepted: false, reason: 'bad_password' }
        : { accepted: true, registered: true, requiredProfile: 1 }
    })
    small = await startGatewayProcess(f.nats.url, { CSMS_GATEWAY_MAX_CONNECTIONS: '2' })
  })
  after(async () => {
    for (const s of stations) s.terminate()
    await small?.stop()
    await f?.stop()
  })

  const open = async (url: string, opts: StationOptions = {}) => {
    const s = await TestStation.connect(url, opts)
    stations.push(s)
    return s
  }

  it('negotiates the newest subprotocol both sides offer', async () => {
    const offers: Array<[string[], string]> = [
      [['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'], 'ocpp2.1'],
      [['ocpp1.6', 'ocpp2.0.1'], 'ocpp2.0.1'],
      [['mqtt', 'ocpp1.6'], 'ocpp1.6'],
    ]
    for (const [i, [protocols, chosen]] of offers.entries()) {
      const station = await open(f.gateway.url(`CS-PROTO-${i}`), {
        protocols,
        password: 'irrelevant-password',
      })
      assert.equal(station.protocol, chosen)
    }
  })

  it('refuses an upgrade without a common subprotocol with 400', async () => {
    const none = await refusal(f.gateway.url('CS-NOPROTO'), { protocols: ['ocpp1.5', 'wamp'] })
    assert.equal(none.status, 400)
    assert.match(none.body, /no supported OCPP subprotocol offered/)
    assert.equal((await refusal(f.gateway.url('CS-NOPROTO'), { protocols: [] })).status, 400)
  })

  it('checks the path and the station id (length, characters) first', async () => {
    const base = `ws://127.0.0.1:${f.gateway.port}`
    const badAuth = { headers: { authorization: 'Bearer x' }, protocols: ['ocpp1.5'] }
    assert.equal((await refusal(`${base}/ocpp/${'a'.repeat(49)}`, badAuth)).status, 400)
    assert.equal((await refusal(`${base}/ocpp/a%20b`, badAuth)).status, 400)
    assert.equal((await refusal(`${base}/ocpp/a/b`, badAuth)).status, 400)
    assert.equal((await refusal(`${base}/other/CS-1`, badAuth)).status, 404)
    assert.ok(await open(`${base}/ocpp/${'a'.repeat(48)}`))
  })

  it('refuses a Basic user other than the station id, and other schemes, with 401', async () => {
    // Failures count against the address too: each test that fails on purpose uses its own.
    const localAddress = '127.0.0.6'
    const wrongUser = await refusal(f.gateway.url('CS-USER'), {
      password: 'pw-pw-pw-pw-pw-pw',
      stationId: 'CS-OTHER',
      localAddress,
    })
    assert.equal(wrongUser.status, 401)
    assert.match(wrongUser.body, /Basic auth user must be the station id/)
    const bearer = await refusal(f.gateway.url('CS-USER'), {
      headers: { authorization: 'Bearer abc' },
      localAddress,
    })
    assert.equal(bearer.status, 401)
  })

  it('rate-limits failed attempts per station id with 429', async () => {
    const guess = { password: 'guess-guess-0000', localAddress: '127.0.0.5' }
    for (let i = 0; i < 3; i++) assert.equal((await refusal(f.gateway.url('BAD-1'), guess)).status, 401)
    const asks = asked.length
    const limited = await refusal(f.gateway.url('BAD-1'), guess)
    assert.equal(limited.status, 429)
    assert.equal(asked.length, asks, 'the auth service is not asked while the limit holds')
  })

  it('rate-limits failed attempts per remote address with 429, other addresses unaffected', async () => {
    const from = (localAddress: string) => ({ localAddress, password: 'guess-guess-0000' })
    for (let i = 0; i < 5; i++)
      assert.equal((await refusal(f.gateway.url(`BAD-ADDR-${i}`), from('127.0.0.7'))).status, 401)
    assert.equal((await refusal(f.gateway.url('GOOD-1'), from('127.0.0.7'))).status, 429)
    assert.ok(await open(f.gateway.url('GOOD-1'), from('127.0.0.8')))
  })

  it('logs every refusal as a security event', async () => {
    const events = () => f.gateway.logs().filter((l) => l.security === true && l.event === 'upgrade_refused')
    const has = (reason: string, stationId?: string) =>
      events().some((l) => l.reason === reason && (stationId === undefined || l.stationId === stationId))
    // The gateway's log reaches the test through its output pipe: wait for every line asserted on.
    await waitFor(
      () =>
        has('bad_password', 'BAD-1') &&
        has('rate_limited', 'BAD-1') &&
        has('rate_limited', 'GOOD-1') &&
        has('subprotocol') &&
        has('bad_path'),
      {
        description: 'security events in the gateway log',
      },
    )
    const limited = events().find((l) => l.reason === 'rate_limited' && l.stationId === 'GOOD-1')
    assert.equal(limited?.remoteAddress, '127.0.0.7')
  })

  it('asks the auth service once per station and password while the answer is cached', async () => {
    const before = asked.length
    for (let i = 0; i < 3; i++) {
      const s = await open(f.gateway.url('CS-CACHED'), { password: 'cached-password-01' })
      await s.close()
    }
    assert.equal(asked.filter((a) => a.stationId === 'CS-CACHED').length, 1)
    await open(f.gateway.url('CS-CACHED'), { password: 'other-password-001' })
    assert.equal(asked.length - before, 2, 'another password is another question')
  })

  it('answers 503 when no auth service answers', async () => {
    await f.setAdmission(undefined)
    try {
      const refused = await refusal(f.gateway.url('CS-NOAUTH-1'), { password: 'some-password-0001' })
      assert.equal(refused.status, 503)
      assert.match(refused.body, /cannot check credentials/)
    } finally {
      await f.setAdmission(() => ({ accepted: true, registered: false, requiredProfile: 0 }))
    }
  })

  it('refuses upgrades beyond the connection limit with 503 and accepts again once a socket closed', async () => {
    const g = small as GatewayProcess
    const first = await connectStation(f.nc, g.url('CS-LIM-1'), 'CS-LIM-1')
    stations.push(first, await open(g.url('CS-LIM-2')))
    const full = await refusal(g.url('CS-LIM-3'))
    assert.equal(full.status, 503)
    assert.match(full.body, /connection limit/)
    const gone = await watchDisconnect(f.nc, 'CS-LIM-1')
    await first.close()
    await gone.event
    assert.ok(await open(g.url('CS-LIM-3')))
  })
})
