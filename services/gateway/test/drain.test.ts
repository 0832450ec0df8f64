import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { callStation } from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { connectStation, type Fixture, startFixture, watchDisconnect } from './support/fixture.js'
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js'
import { serveStationCalls } from './support/stand-ins.js'
import { TestStation } from './support/test-station.js'
import { within } from './support/within.js'

describe('drain on SIGTERM', () => {
  let f: Fixture
  let second: GatewayProcess | undefined
  let third: GatewayProcess | undefined
  const stations: TestStation[] = []
  const arrived = new Map<string, () => void>()
  const held = new Map<string, Promise<void>>()
  const releases = new Map<string, () => void>()

  /** A CALL with this vendorId is held by the stand-in service until release(vendorId). */
  const hold = (vendorId: string) => {
    held.set(vendorId, new Promise((resolve) => releases.set(vendorId, resolve)))
    return new Promise<void>((resolve) => arrived.set(vendorId, resolve))
  }

  before(async () => {
    f = await startFixture({ CSMS_GATEWAY_ID: 'gw-drain-a', CSMS_GATEWAY_DRAIN_TIMEOUT_MS: '20000' })
    second = await startGatewayProcess(f.nats.url, { CSMS_GATEWAY_ID: 'gw-drain-b' })
    third = await startGatewayProcess(f.nats.url, {
      CSMS_GATEWAY_ID: 'gw-drain-c',
      CSMS_GATEWAY_DRAIN_TIMEOUT_MS: '500',
    })
    serveStationCalls(
      f.nc,
      async (_action, payload) => {
        const { vendorId } = payload as { vendorId: string }
        arrived.get(vendorId)?.()
        if (vendorId === 'never') return 'silent'
        await held.get(vendorId)
        return { payload: { status: 'Accepted', data: vendorId } }
      },
      'ocpp.in.*.DataTransfer.*',
    )
    await f.nc.flush()
  })
  after(async () => {
    for (const s of stations) s.terminate()
    await third?.stop('SIGKILL')
    await second?.stop()
    await f?.stop()
  })

  const connect = async (gateway: GatewayProcess, stationId: string) => {
    const s = await connectStation(f.nc, gateway.url(stationId), stationId)
    stations.push(s)
    return s
  }

  it('stops accepting, answers the CALL in flight, closes with 1012; the station carries on at another pod', async () => {
    const a = f.gateway
    const b = second as GatewayProcess
    const station = await connect(a, 'CS-DRAIN.1')
    const gone = await watchDisconnect(f.nc, 'CS-DRAIN.1')
    const reachedService = hold('in-flight')
    station.send([2, 'd1', 'DataTransfer', { vendorId: 'in-flight' }])
    await within(20_000, 'the CALL to reach the service', reachedService)

    const exited = a.handle.stop('SIGTERM', 30_000)
    await waitFor(async () => (await fetch(`http://127.0.0.1:${a.opsPort}/readyz`)).status === 503, {
      description: 'draining gateway reports not ready',
    })
    await assert.rejects(
      TestStation.connect(a.url('CS-LATE')),
      (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
    )
    assert.equal(station.ws.readyState, station.ws.OPEN, 'the socket stays open while its CALL is in flight')

    releases.get('in-flight')?.()
    assert.deepEqual(await station.answerTo('d1'), [3, 'd1', { status: 'Accepted', data: 'in-flight' }])
    assert.deepEqual(await station.closed, { code: 1012, reason: 'service restart' })
    const event = await gone.event
    assert.equal(event.code, 1012)
    assert.equal(event.gatewayId, 'gw-drain-a')
    assert.equal(await exited, 0)

    const again = await connect(b, 'CS-DRAIN.1')
    assert.deepEqual(await again.call('DataTransfer', { vendorId: 'after' }, 'd2'), [
      3,
      'd2',
      { status: 'Accepted', data: 'after' },
    ])
    const reset = callStation(f.nc, {
      stationId: 'CS-DRAIN.1',
      action: 'Reset',
      payload: { type: 'OnIdle' },
      timeoutMs: 10_000,
    })
    const [, id] = await again.nextCall('Reset')
    again.send([3, id, { status: 'Accepted' }])
    assert.equal((await reset).ok, true)
  })

  it('closes the sockets after the drain timeout even when a CALL never gets its answer', async () => {
    const c = third as GatewayProcess
    const station = await connect(c, 'CS-DRAIN-STUCK')
    const reachedService = hold('never')
    station.send([2, 'n1', 'DataTransfer', { vendorId: 'never' }])
    await within(20_000, 'the CALL to reach the service', reachedService)
    const started = Date.now()
    const exited = c.handle.stop('SIGTERM', 30_000)
    assert.equal((await station.closed).code, 1012)
    assert.ok(Date.now() - started >= 400, 'it waited for the CALL first')
    assert.equal(await exited, 0)
  })
})
