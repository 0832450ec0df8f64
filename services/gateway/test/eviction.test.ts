import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { callStation, isAppError } from '@csms/bus'
import { connectStation, type Fixture, startFixture, watchDisconnect } from './support/fixture.js'
import { type GatewayProcess, metricValue, startGatewayProcess } from './support/gateway-process.js'
import type { TestStation } from './support/test-station.js'

const reset = { type: 'OnIdle' }

describe('one socket per station across gateway pods', () => {
  let f: Fixture
  let second: GatewayProcess | undefined
  const stations: TestStation[] = []

  before(async () => {
    f = await startFixture({ CSMS_GATEWAY_ID: 'gw-a' })
    second = await startGatewayProcess(f.nats.url, { CSMS_GATEWAY_ID: 'gw-b' })
  })
  after(async () => {
    for (const s of stations) s.terminate()
    await second?.stop()
    await f?.stop()
  })

  const connect = async (gateway: GatewayProcess, stationId: string) => {
    const s = await connectStation(f.nc, gateway.url(stationId), stationId)
    stations.push(s)
    return s
  }
  /** Sends Reset to the station and lets `station` answer it; resolves with who answered. */
  const resetVia = async (stationId: string, station: TestStation) => {
    const pending = callStation(f.nc, { stationId, action: 'Reset', payload: reset, timeoutMs: 10_000 })
    const [, id] = await station.nextCall('Reset')
    station.send([3, id, { status: 'Accepted' }])
    return pending
  }

  it('evicts the older socket on another pod when the station reconnects, and routes calls to the new one', async () => {
    const b = second as GatewayProcess
    const old = await connect(f.gateway, 'CS-ROAM.1')
    assert.equal((await resetVia('CS-ROAM.1', old)).ok, true)
    const fresh = await connect(b, 'CS-ROAM.1')
    assert.deepEqual(await old.closed, { code: 4000, reason: 'replaced by a newer connection' })
    assert.deepEqual(await resetVia('CS-ROAM.1', fresh), { ok: true, payload: { status: 'Accepted' } })
    assert.equal(
      metricValue(await f.gateway.metrics(), 'csms_gateway_evictions_total', { scope: 'remote' }),
      1,
    )
    assert.equal(
      metricValue(await f.gateway.metrics(), 'csms_gateway_connections', { protocol: 'ocpp2.0.1' }),
      0,
    )
  })

  it('evicts the older socket on the same pod', async () => {
    const old = await connect(f.gateway, 'CS-TWICE')
    const fresh = await connect(f.gateway, 'CS-TWICE')
    assert.equal((await old.closed).code, 4000)
    assert.equal((await resetVia('CS-TWICE', fresh)).ok, true)
    assert.equal(
      metricValue(await f.gateway.metrics(), 'csms_gateway_evictions_total', { scope: 'local' }),
      1,
    )
  })

  it('keeps exactly one socket when a station connects to both pods at the same moment', async () => {
    const b = second as GatewayProcess
    const both = await Promise.all([connect(f.gateway, 'CS-RACE'), connect(b, 'CS-RACE')])
    const loser = await Promise.race(both.map((s, i) => s.closed.then(() => i)))
    const winner = both[1 - loser] as TestStation
    assert.equal((await resetVia('CS-RACE', winner)).ok, true)
    assert.equal(winner.ws.readyState, winner.ws.OPEN, 'the newer socket survives')
  })

  it('leaves the station offline once its only socket is gone', async () => {
    const s = await connect(f.gateway, 'CS-LEAVING')
    const gone = await watchDisconnect(f.nc, 'CS-LEAVING')
    await s.close()
    await gone.event
    await assert.rejects(
      callStation(f.nc, { stationId: 'CS-LEAVING', action: 'Reset', payload: reset, timeoutMs: 5_000 }),
      (e) => isAppError(e) && e.code === 'station_offline',
    )
  })
})
