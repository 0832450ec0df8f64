import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { callRpc, upsertStationCredentialsRpc } from '@csms/bus'
import {
  createTempDir,
  type NatsHandle,
  type PostgresHandle,
  type ProcessHandle,
  startNats,
  startPostgres,
  type TempDir,
  waitFor,
} from '@csms/testkit'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { startAuthProcess } from './support/auth-process.js'
import { createTestPki, type TestPki } from './support/certificates.js'
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js'
import { findNginx, type Nginx, startNginx } from './support/nginx.js'
import { refusal, type StationOptions, TestStation } from './support/test-station.js'

const ORG = 'ACME CPO'
const PW = { p1: 'profile-one-password-01', p2: 'profile-two-password-01', p3: 'profile-three-password-1' }

describe('security profiles against the real auth service and a real nginx', () => {
  let nats: NatsHandle | undefined
  let db: PostgresHandle | undefined
  let auth: ProcessHandle | undefined
  let tmp: TempDir | undefined
  let nc: NatsConnection | undefined
  let behindProxy: GatewayProcess | undefined
  let tlsHere: GatewayProcess | undefined
  let nginx: Nginx | undefined
  let pki: TestPki
  const stations: TestStation[] = []

  before(async () => {
    findNginx()
    nats = await startNats()
    db = await startPostgres()
    tmp = await createTempDir('gw-pki')
    pki = await createTestPki(tmp.path)
    auth = await startAuthProcess(nats.url, db.url)
    nc = await connect({ servers: nats.url })
    behindProxy = await startGatewayProcess(nats.url, {
      CSMS_GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
      CSMS_GATEWAY_CERT_ORGANIZATION: ORG,
      CSMS_GATEWAY_MAX_FAILED_AUTH_PER_ADDRESS_PER_MIN: '1000',
    })
    tlsHere = await startGatewayProcess(nats.url, {
      CSMS_GATEWAY_TLS_CERT_FILE: pki.server.cert,
      CSMS_GATEWAY_TLS_KEY_FILE: pki.server.key,
    })
    nginx = await startNginx({
      dir: tmp.path,
      upstreamPort: behindProxy.port,
      cert: pki.server.cert,
      key: pki.server.key,
      clientCa: pki.caCert,
    })
    const register = (stationId: string, securityProfile: 1 | 2 | 3, password: string) =>
      callRpc(nc as NatsConnection, upsertStationCredentialsRpc, { stationId, securityProfile, password })
    await register('CS-P1', 1, PW.p1)
    await register('CS-P2', 2, PW.p2)
    await register('CS-P3', 3, PW.p3)
  })
  after(async () => {
    for (const s of stations) s.terminate()
    await nginx?.stop()
    await tlsHere?.stop()
    await behindProxy?.stop()
    await auth?.stop()
    await nc?.close()
    await db?.stop()
    await nats?.stop()
    await tmp?.remove()
  })

  const open = async (url: string, opts: StationOptions) => {
    const s = await TestStation.connect(url, opts)
    stations.push(s)
    return s
  }
  const ca = () => readFileSync(pki.caCert)
  const viaProxy = (id: string) => `wss://127.0.0.1:${nginx?.port}/ocpp/${id}`
  const withCert = async (name: string, subject: string, foreign = false) => {
    const pair = await pki.client(name, subject, { foreign })
    return { ca: ca(), cert: readFileSync(pair.cert), key: readFileSync(pair.key) }
  }

  it('profile 1: Basic auth over ws with the stored password; wrong, none or unknown station gets 401', async () => {
    const g = behindProxy as GatewayProcess
    assert.equal((await open(g.url('CS-P1'), { password: PW.p1 })).protocol, 'ocpp2.0.1')
    const wrong = await refusal(g.url('CS-P1'), { password: 'not-the-password-0001' })
    assert.deepEqual([wrong.status, wrong.body.trim()], [401, 'station refused: bad_password'])
    // No password at all presents profile 0, below the registered 1.
    assert.match((await refusal(g.url('CS-P1'), {})).body, /weaker_profile/)
    assert.match((await refusal(g.url('CS-NOBODY'), { password: PW.p1 })).body, /unknown_station/)
  })

  it('refuses a station registered for profile 2 over plain ws: no downgrade', async () => {
    const refused = await refusal((behindProxy as GatewayProcess).url('CS-P2'), { password: PW.p2 })
    assert.deepEqual([refused.status, refused.body.trim()], [401, 'station refused: weaker_profile'])
  })

  it('profile 2: TLS terminated by the gateway itself (SSLApp) plus Basic auth', async () => {
    const g = tlsHere as GatewayProcess
    assert.ok(await open(g.url('CS-P2', 'wss'), { password: PW.p2, ca: ca() }))
    assert.equal(
      (await refusal(g.url('CS-P2', 'wss'), { password: 'not-the-password-0002', ca: ca() })).status,
      401,
    )
    assert.ok(await open(g.url('CS-P1', 'wss'), { password: PW.p1, ca: ca() }), 'a stronger profile is fine')
  })

  it('profile 2: TLS terminated by the proxy, trusted through X-Forwarded-Proto', async () => {
    assert.ok(await open(viaProxy('CS-P2'), { password: PW.p2, ca: ca() }))
  })

  it('profile 3: a proxy-verified client certificate with CN = station id and O = operator, no password', async () => {
    const station = await open(viaProxy('CS-P3'), await withCert('cs-p3', `/O=${ORG}/CN=CS-P3`))
    assert.equal(station.protocol, 'ocpp2.0.1')
  })

  it('profile 3: refuses a certificate of another station (CN) or another operator (O) with 403', async () => {
    const otherCn = await refusal(viaProxy('CS-P3'), await withCert('cs-other', `/O=${ORG}/CN=CS-OTHER`))
    assert.deepEqual(
      [otherCn.status, otherCn.body.trim()],
      [403, 'client certificate CN does not match the station id'],
    )
    const otherO = await refusal(viaProxy('CS-P3'), await withCert('cs-p3-evil', '/O=Evil CPO/CN=CS-P3'))
    assert.deepEqual([otherO.status, otherO.body.trim()], [403, 'client certificate O is not this operator'])
  })

  it('profile 3: the proxy refuses a certificate from an unknown CA', async () => {
    const refused = await refusal(
      viaProxy('CS-P3'),
      await withCert('cs-p3-stranger', `/O=${ORG}/CN=CS-P3`, true),
    )
    assert.equal(refused.status, 400)
    assert.match(refused.body, /SSL certificate error/)
  })

  it('refuses a profile 3 station that comes without its certificate, password or not', async () => {
    const withPassword = await refusal(viaProxy('CS-P3'), { password: PW.p3, ca: ca() })
    assert.deepEqual(
      [withPassword.status, withPassword.body.trim()],
      [401, 'station refused: weaker_profile'],
    )
    assert.equal((await refusal(viaProxy('CS-P3'), { ca: ca() })).status, 401)
  })

  it('ignores forged certificate headers, through the proxy and from an address that is no proxy', async () => {
    const forged = {
      'ssl-client-verify': 'SUCCESS',
      'ssl-client-subject-dn': `CN=CS-P3,O=${ORG}`,
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '127.0.0.1',
    }
    const throughProxy = await refusal(viaProxy('CS-P3'), { ca: ca(), headers: forged })
    assert.deepEqual(
      [throughProxy.status, throughProxy.body.trim()],
      [401, 'station refused: weaker_profile'],
    )
    const direct = await refusal((behindProxy as GatewayProcess).url('CS-P3'), {
      headers: forged,
      localAddress: '127.0.0.2',
    })
    assert.deepEqual([direct.status, direct.body.trim()], [401, 'station refused: weaker_profile'])
    // The same headers from the trusted proxy address are believed: only the proxy may reach the port.
    assert.ok(await open((behindProxy as GatewayProcess).url('CS-P3'), { headers: forged }))
  })

  it('logs each refusal as a security event with its reason', async () => {
    const g = behindProxy as GatewayProcess
    const reasons = () =>
      new Set(
        g
          .logs()
          .filter((l) => l.security === true)
          .map((l) => l.reason),
      )
    await waitFor(
      () =>
        ['bad_password', 'unknown_station', 'weaker_profile', 'certificate'].every((r) => reasons().has(r)),
      {
        description: 'security events for every refusal reason',
      },
    )
  })
})
