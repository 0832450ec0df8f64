import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import {
  type AuthenticateStationRequest,
  type AuthenticateStationResponse,
  authenticateStationRpc,
  encodeJson,
} from '@csms/bus'
import { type NatsHandle, startNats, waitFor } from '@csms/testkit'
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import WebSocket from 'ws'
import { AdmissionBusyError, createAdmission } from '../src/upgrade/admission.js'
import { type GatewayProcess, metricValue, startGatewayProcess } from './support/gateway-process.js'
import { serveAdmission } from './support/stand-ins.js'
import { TestStation } from './support/test-station.js'

const ACCEPT: AuthenticateStationResponse = { accepted: true, registered: true, requiredProfile: 1 }
const RIGHT = 'right-password-00001'

/**
 * A stand-in auth service that keeps every question until the test answers it (or never does),
 * so a test can look at the gateway while admissions are in flight.
 */
function heldAuth(nc: NatsConnection) {
  const held: Array<{ req: AuthenticateStationRequest; msg: Msg }> = []
  const sub: Subscription = nc.subscribe(authenticateStationRpc.subject, {
    callback: (err, msg) => {
      if (!err) held.push({ req: msg.json<AuthenticateStationRequest>(), msg })
    },
  })
  return {
    held,
    asked: (stationId: string) => held.some((h) => h.req.stationId === stationId),
    answerAll(decide: (req: AuthenticateStationRequest) => AuthenticateStationResponse = () => ACCEPT) {
      for (const h of held.splice(0)) h.msg.respond(encodeJson(decide(h.req)))
    },
    stop: () => sub.unsubscribe(),
  }
}

/** An upgrade that fails, with its status, body and headers. */
function refusedWith(url: string): Promise<{ status: number; body: string; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['ocpp2.0.1'])
    ws.once('open', () => {
      ws.terminate()
      reject(new Error(`${url} connected`))
    })
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        body += c
      })
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers['retry-after'] as string }),
      )
    })
    ws.once('error', () => {})
  })
}

describe('gateway admission: cache, in-flight bound and timeouts (real NATS)', () => {
  let nats: NatsHandle
  let service: NatsConnection
  let client: NatsConnection

  before(async () => {
    nats = await startNats()
    service = await connect({ servers: nats.url })
    client = await connect({ servers: nats.url })
  })
  after(async () => {
    await client?.close()
    await service?.close()
    await nats?.stop()
  })

  const req = (stationId: string, password?: string) => ({
    stationId,
    password,
    presentedProfile: password === undefined ? (0 as const) : (1 as const),
    remoteAddress: '127.0.0.1',
  })

  it('reuses an accepted answer, still asks about a wrong password, and shares identical questions', async () => {
    const asked: AuthenticateStationRequest[] = []
    const sub = service.subscribe(authenticateStationRpc.subject, {
      callback: (_e, msg) => {
        const r = msg.json<AuthenticateStationRequest>()
        asked.push(r)
        const answer = r.password === RIGHT ? ACCEPT : { accepted: false, reason: 'bad_password' }
        setTimeout(() => msg.respond(encodeJson(answer)), 20)
      },
    })
    await service.flush()
    try {
      const admission = createAdmission(client, 60_000, 5_000)
      const together = await Promise.all(Array.from({ length: 5 }, () => admission.admit(req('C-1', RIGHT))))
      assert.ok(together.every((a) => a.accepted))
      assert.equal(asked.length, 1, 'five identical upgrades in flight, one question')
      assert.deepEqual(admission.cached(req('C-1', RIGHT)), ACCEPT)
      assert.equal((await admission.admit(req('C-1', RIGHT))).accepted, true)
      assert.equal(asked.length, 1, 'answered from the cache')
      assert.deepEqual(await admission.admit(req('C-1', 'wrong-password-0001')), {
        accepted: false,
        reason: 'bad_password',
      })
      assert.equal(asked.length, 2, 'a wrong password is asked about although the right one is cached')
      assert.equal(admission.cached(req('C-1', 'wrong-password-0001')), undefined)
      await admission.admit(req('C-1', 'wrong-password-0001'))
      assert.equal(asked.length, 3, 'refusals are never cached')
    } finally {
      sub.unsubscribe()
    }
  })

  it('refuses at once, without asking, beyond maxInFlight distinct questions', async () => {
    const auth = heldAuth(service)
    await service.flush()
    try {
      const admission = createAdmission(client, 60_000, 10_000, { maxInFlight: 3 })
      const waiting = ['B-1', 'B-2', 'B-3'].map((id) => admission.admit(req(id)))
      await waitFor(() => auth.held.length === 3, { description: 'three questions at the stand-in' })
      await assert.rejects(admission.admit(req('B-4')), AdmissionBusyError)
      assert.equal(admission.inFlight(), 3)
      auth.answerAll()
      assert.ok((await Promise.all(waiting)).every((a) => a.accepted))
      assert.equal(admission.inFlight(), 0)
      const late = admission.admit(req('B-4'))
      await waitFor(() => auth.asked('B-4'), { description: 'B-4 asked once there is room' })
      auth.answerAll()
      assert.equal((await late).accepted, true)
    } finally {
      auth.stop()
    }
  })

  it('gives up after its timeout with the timeout error code', async () => {
    const auth = heldAuth(service)
    await service.flush()
    try {
      const admission = createAdmission(client, 60_000, 200)
      await assert.rejects(
        admission.admit(req('T-1')),
        (e: Error & { code?: string }) => e.code === 'timeout',
      )
      assert.equal(admission.inFlight(), 0)
    } finally {
      auth.stop()
    }
  })
})

describe('gateway upgrades while the auth service is slow (gateway process)', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  let gw: GatewayProcess
  const stations: TestStation[] = []

  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
    gw = await startGatewayProcess(nats.url, {
      CSMS_GATEWAY_AUTH_TIMEOUT_MS: '1500',
      CSMS_GATEWAY_MAX_CONNECTIONS: '2',
    })
  })
  after(async () => {
    for (const s of stations) s.terminate()
    await gw?.stop()
    await nc?.close()
    await nats?.stop()
  })

  it('answers 503 naming the timeout, with a Retry-After, when auth does not answer in time', async () => {
    const auth = heldAuth(nc)
    await nc.flush()
    try {
      const refused = await refusedWith(gw.url('SLOW-1'))
      assert.equal(refused.status, 503)
      assert.match(refused.body, /cannot check credentials.*did not answer within 1500 ms/)
      const retry = Number(refused.retryAfter)
      assert.ok(retry >= 5 && retry <= 10, `Retry-After ${refused.retryAfter}`)
      assert.equal(
        metricValue(await gw.metrics(), 'csms_gateway_upgrades_refused_total', { reason: 'auth_timeout' }),
        1,
      )
    } finally {
      auth.stop()
    }
  })

  it('drops upgrades the station aborted while auth was asked, without leaking capacity', async () => {
    const auth = heldAuth(nc)
    await nc.flush()
    try {
      // Two upgrades (the gateway's whole capacity) wait for auth; their stations hang up.
      for (const id of ['GONE-1', 'GONE-2']) {
        const upgrade = request({
          host: '127.0.0.1',
          port: gw.port,
          path: `/ocpp/${id}`,
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': randomBytes(16).toString('base64'),
            'sec-websocket-protocol': 'ocpp2.0.1',
          },
        })
        upgrade.on('error', () => {})
        upgrade.end()
        await waitFor(() => auth.asked(id), { description: `${id} asked` })
        upgrade.destroy()
      }
      // Let uWS see both hang-ups before the answers arrive (the answers must not touch them).
      await new Promise((r) => setTimeout(r, 300))
      auth.answerAll()
      auth.stop()
      const everyone = serveAdmission(nc)
      await nc.flush()
      after(() => everyone.unsubscribe())
      // Retried for a while: on a busy machine uWS may see a hang-up only after the answer, and
      // such a socket holds its place until its close is processed. A leak never frees it.
      const open = (id: string) =>
        waitFor(
          async () => {
            const station = await TestStation.connect(gw.url(id)).catch(() => undefined)
            if (station) stations.push(station)
            return station
          },
          { timeoutMs: 15_000, intervalMs: 250, description: `${id} connects` },
        )
      // The gateway is alive and both places are free again: nothing was upgraded for GONE-*.
      const a = await open('GONE-1')
      const b = await open('NEXT-2')
      assert.equal(a.protocol, 'ocpp2.0.1')
      assert.equal(b.protocol, 'ocpp2.0.1')
    } finally {
      auth.stop()
    }
  })
})
