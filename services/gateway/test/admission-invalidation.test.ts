import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  type AuthenticateStationRequest,
  type AuthenticateStationResponse,
  authenticateStationRpc,
  callRpc,
  credentialsChangedSubject,
  deleteStationCredentialsRpc,
  encodeJson,
  rotateStationPasswordRpc,
  upsertStationCredentialsRpc,
} from '@csms/bus'
import {
  type NatsHandle,
  type PostgresHandle,
  type ProcessHandle,
  type RestartableNatsHandle,
  startNats,
  startPostgres,
  waitFor,
} from '@csms/testkit'
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { type Admission, createAdmission } from '../src/upgrade/admission.js'
import { followCredentialNotices } from '../src/upgrade/credential-notices.js'
import { startAuthProcess } from './support/auth-process.js'
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js'
import { refusal, TestStation } from './support/test-station.js'

const ACCEPT: AuthenticateStationResponse = { accepted: true, registered: true, requiredProfile: 1 }
const BAD: AuthenticateStationResponse = { accepted: false, reason: 'bad_password' }
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never

const req = (stationId: string, password: string) => ({
  stationId,
  password,
  presentedProfile: 1 as const,
  remoteAddress: '127.0.0.1',
})

/** A stand-in auth service: the valid password per station is the test's to change. */
function standInAuth(nc: NatsConnection) {
  const valid = new Map<string, string>()
  const asked: AuthenticateStationRequest[] = []
  const held: Array<{ req: AuthenticateStationRequest; msg: Msg }> = []
  let hold = false
  const decide = (r: AuthenticateStationRequest) => (valid.get(r.stationId) === r.password ? ACCEPT : BAD)
  const sub = nc.subscribe(authenticateStationRpc.subject, {
    callback: (err, msg) => {
      if (err) return
      const r = msg.json<AuthenticateStationRequest>()
      asked.push(r)
      if (hold) held.push({ req: r, msg })
      else msg.respond(encodeJson(decide(r)))
    },
  })
  return {
    valid,
    asked,
    held,
    holdAnswers(on: boolean) {
      hold = on
    },
    /** Answers what is held with `answer` (default: as the current passwords decide). */
    release(answer?: AuthenticateStationResponse) {
      for (const h of held.splice(0)) h.msg.respond(encodeJson(answer ?? decide(h.req)))
    },
    stop: () => sub.unsubscribe(),
  }
}

/** The admission as the gateway wires it, with a record of the stations its notices forgot. */
function watched(admission: Admission) {
  const forgotten: string[] = []
  const spy: Admission = {
    ...admission,
    forget(stationId) {
      forgotten.push(stationId)
      admission.forget(stationId)
    },
  }
  return { spy, forgotten }
}

describe('gateway admission cache follows credentials-changed notices (real NATS)', () => {
  let nats: RestartableNatsHandle
  let service: NatsConnection
  let client: NatsConnection
  let publisher: NatsConnection

  before(async () => {
    nats = await startNats({ restartable: true })
    const opts = { servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 }
    service = await connect(opts)
    client = await connect(opts)
    publisher = await connect(opts)
  })
  after(async () => {
    await publisher?.close()
    await client?.close()
    await service?.close()
    await nats?.stop()
  })

  const notify = async (stationId: string) => {
    publisher.publish(credentialsChangedSubject(stationId), JSON.stringify({ stationId, change: 'test' }))
    await publisher.flush()
  }

  it('refuses the old password at once after a notice, accepts the new one, and keeps other stations cached', async () => {
    const auth = standInAuth(service)
    await service.flush()
    const admission = createAdmission(client, 60_000, 5_000)
    const { spy, forgotten } = watched(admission)
    const stop = followCredentialNotices(client, spy, silent)
    await client.flush()
    try {
      auth.valid.set('R.1*x', 'old-password-000001')
      auth.valid.set('R-2', 'other-password-00002')
      assert.equal((await admission.admit(req('R.1*x', 'old-password-000001'))).accepted, true)
      assert.equal((await admission.admit(req('R-2', 'other-password-00002'))).accepted, true)
      assert.deepEqual(admission.cached(req('R.1*x', 'old-password-000001')), ACCEPT)
      assert.equal(auth.asked.length, 2)

      auth.valid.set('R.1*x', 'new-password-000001')
      await notify('R.1*x')
      await waitFor(() => forgotten.includes('R.1*x'), { description: 'the notice reached the gateway' })
      assert.deepEqual(forgotten, ['R.1*x'], 'the encoded subject token decodes to the station id')
      assert.equal(admission.cached(req('R.1*x', 'old-password-000001')), undefined, 'old answer gone')
      assert.deepEqual(await admission.admit(req('R.1*x', 'old-password-000001')), BAD)
      assert.equal(auth.asked.length, 3, 'the old password was asked about again')
      assert.equal((await admission.admit(req('R.1*x', 'new-password-000001'))).accepted, true)
      assert.deepEqual(admission.cached(req('R.1*x', 'new-password-000001')), ACCEPT, 'the new one is cached')
      assert.deepEqual(admission.cached(req('R-2', 'other-password-00002')), ACCEPT, 'R-2 untouched')
      assert.equal(admission.cachedStations(), 2)
    } finally {
      stop()
      auth.stop()
    }
  })

  it('does not cache, nor share, an answer to a question in flight when the notice arrived', async () => {
    const auth = standInAuth(service)
    await service.flush()
    const admission = createAdmission(client, 60_000, 5_000)
    const { spy, forgotten } = watched(admission)
    const stop = followCredentialNotices(client, spy, silent)
    await client.flush()
    try {
      auth.valid.set('RACE-1', 'old-password-000001')
      auth.holdAnswers(true)
      // The auth service read the old credentials; its answer is on the way while they change.
      const racing = admission.admit(req('RACE-1', 'old-password-000001'))
      await waitFor(() => auth.held.length === 1, { description: 'the question is at auth' })
      auth.valid.set('RACE-1', 'new-password-000001')
      await notify('RACE-1')
      await waitFor(() => forgotten.includes('RACE-1'), { description: 'the notice reached the gateway' })
      // An identical upgrade after the notice does not ride on the outdated question.
      const later = admission.admit(req('RACE-1', 'old-password-000001'))
      await waitFor(() => auth.held.length === 2, { description: 'asked again, not shared' })
      auth.holdAnswers(false)
      auth.held[0]?.msg.respond(encodeJson(ACCEPT))
      assert.deepEqual(await racing, ACCEPT, 'the upgrade that asked before the notice gets its answer')
      assert.equal(admission.cached(req('RACE-1', 'old-password-000001')), undefined, 'but it is not cached')
      auth.release()
      assert.deepEqual(await later, BAD)
      assert.deepEqual(await admission.admit(req('RACE-1', 'old-password-000001')), BAD)
      assert.equal(auth.asked.length, 3)
      assert.equal(admission.inFlight(), 0)
    } finally {
      stop()
      auth.stop()
    }
  })

  it('forgets one station among thousands and leaves the others cached', async () => {
    const auth = standInAuth(service)
    await service.flush()
    const admission = createAdmission(client, 60_000, 5_000, { maxInFlight: 10_000 })
    try {
      const ids = Array.from({ length: 5_000 }, (_, i) => `MASS-${i}`)
      for (const id of ids) auth.valid.set(id, 'mass-password-000001')
      await Promise.all(ids.map((id) => admission.admit(req(id, 'mass-password-000001'))))
      assert.equal(admission.cachedStations(), ids.length)
      for (const id of ids.slice(0, 2_500)) admission.forget(id)
      assert.equal(admission.cachedStations(), 2_500)
      assert.equal(admission.cached(req('MASS-0', 'mass-password-000001')), undefined)
      assert.deepEqual(admission.cached(req('MASS-2500', 'mass-password-000001')), ACCEPT)
    } finally {
      auth.stop()
    }
  })

  // Last in this suite: the restart drops every connection of it.
  it('clears the whole cache when NATS reconnects (notices may have been lost)', async () => {
    const auth = standInAuth(service)
    await service.flush()
    const admission = createAdmission(client, 60_000, 5_000)
    const stop = followCredentialNotices(client, admission, silent)
    try {
      for (const id of ['RC-1', 'RC-2', 'RC-3']) {
        auth.valid.set(id, 'some-password-000001')
        assert.equal((await admission.admit(req(id, 'some-password-000001'))).accepted, true)
      }
      assert.equal(admission.cachedStations(), 3)
      const reconnected = (async () => {
        for await (const s of client.status()) if (s.type === 'reconnect') return
      })()
      await nats.restart()
      await reconnected
      await waitFor(() => admission.cachedStations() === 0, { description: 'cache cleared on reconnect' })
      assert.equal(admission.cached(req('RC-1', 'some-password-000001')), undefined)
    } finally {
      stop()
      auth.stop()
    }
  })
})

describe('rotation, profile change and deletion close the cache on a gateway process (real auth)', () => {
  let nats: NatsHandle
  let db: PostgresHandle
  let auth: ProcessHandle
  let nc: NatsConnection
  let gw: GatewayProcess
  const stations: TestStation[] = []

  before(async () => {
    nats = await startNats()
    db = await startPostgres()
    auth = await startAuthProcess(nats.url, db.url)
    nc = await connect({ servers: nats.url })
    // The cache is on (60 s, the default), as in production.
    gw = await startGatewayProcess(nats.url, {
      CSMS_GATEWAY_AUTH_CACHE_MS: '60000',
      CSMS_GATEWAY_MAX_FAILED_AUTH_PER_MIN: '1000',
      CSMS_GATEWAY_MAX_FAILED_AUTH_PER_ADDRESS_PER_MIN: '1000',
    })
  })
  after(async () => {
    for (const s of stations) s.terminate()
    await gw?.stop()
    await auth?.stop()
    await nc?.close()
    await db?.stop()
    await nats?.stop()
  })

  const register = (stationId: string, change: { password?: string; securityProfile?: 1 | 2 | 3 }) =>
    callRpc(nc, upsertStationCredentialsRpc, { stationId, ...change })
  const open = async (stationId: string, password: string) => {
    const s = await TestStation.connect(gw.url(stationId), { password })
    stations.push(s)
    return s
  }
  /** Connects and hangs up, leaving an accepted admission in the gateway's cache. */
  const cacheAdmission = async (stationId: string, password: string) => {
    const s = await open(stationId, password)
    await s.close()
  }
  /**
   * The refusal that follows a change, within 5 s, far inside the 60 s cache lifetime. Not on
   * the very first attempt: the notice reaches the gateway over its own NATS connection, so it
   * can trail the answer the test got on another one by a moment on a loaded machine.
   */
  const refusedBody = async (stationId: string, password: string) => {
    const r = await waitFor(
      () =>
        refusal(gw.url(stationId), { password }).catch((e: Error) => {
          if (e.message.includes('but it connected')) return undefined
          throw e
        }),
      { timeoutMs: 5_000, intervalMs: 50, description: `${stationId} refused` },
    )
    assert.equal(r.status, 401)
    return r.body.trim()
  }

  it('after a confirmed rotation the old password is refused at once and the new one accepted', async () => {
    await register('ROT-1', { password: 'old-rotation-password1' })
    const s = await open('ROT-1', 'old-rotation-password1')
    // The station accepts the CSMS's SetVariables (and declines anything else auth may send).
    void (async () => {
      for (;;) {
        const call = await s.nextCall()
        if (call[2] !== 'SetVariables') {
          s.send([4, call[1], 'NotImplemented', '', {}])
          continue
        }
        const data = (call[3] as { setVariableData: Array<Record<string, unknown>> }).setVariableData
        const results = data.map((d) => ({
          attributeStatus: 'Accepted',
          component: d.component,
          variable: d.variable,
        }))
        s.send([3, call[1], { setVariableResult: results }])
      }
    })().catch(() => {})
    // Auth learns the station's protocol from the gateway's station.connected fact.
    const rotated = await waitFor(
      async () =>
        callRpc(
          nc,
          rotateStationPasswordRpc,
          { stationId: 'ROT-1', password: 'new-rotation-password1' },
          {
            timeoutMs: 10_000,
          },
        ).catch((e: Error & { code?: string }) => {
          if (e.code === 'station_offline') return undefined
          throw e
        }),
      { timeoutMs: 20_000, intervalMs: 200, description: 'auth can reach ROT-1' },
    )
    assert.equal(rotated.status, 'confirmed')
    await s.close()
    assert.equal(await refusedBody('ROT-1', 'old-rotation-password1'), 'station refused: bad_password')
    await cacheAdmission('ROT-1', 'new-rotation-password1')
  })

  it('after an operator sets a new password the old one is refused at once', async () => {
    await register('PWD-1', { password: 'first-password-000001' })
    await cacheAdmission('PWD-1', 'first-password-000001')
    await cacheAdmission('PWD-1', 'first-password-000001')
    await register('PWD-1', { password: 'second-password-00001' })
    assert.equal(await refusedBody('PWD-1', 'first-password-000001'), 'station refused: bad_password')
    await cacheAdmission('PWD-1', 'second-password-00001')
  })

  it('a raised security profile refuses the weaker one at once', async () => {
    await register('PROF-1', { password: 'profile-password-0001' })
    await cacheAdmission('PROF-1', 'profile-password-0001')
    await register('PROF-1', { securityProfile: 2 })
    assert.equal(await refusedBody('PROF-1', 'profile-password-0001'), 'station refused: weaker_profile')
  })

  it('a deleted station is refused at once', async () => {
    await register('DEL-1', { password: 'delete-password-00001' })
    await cacheAdmission('DEL-1', 'delete-password-00001')
    assert.deepEqual(await callRpc(nc, deleteStationCredentialsRpc, { stationId: 'DEL-1' }), {
      deleted: true,
    })
    assert.equal(await refusedBody('DEL-1', 'delete-password-00001'), 'station refused: unknown_station')
  })
})
