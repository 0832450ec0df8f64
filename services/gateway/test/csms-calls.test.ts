import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { callStation, isAppError, ocppOutSubject, pingSubject } from '@csms/bus'
import { type Fixture, startFixture } from './support/fixture.js'
import type { TestStation } from './support/test-station.js'

const getVariables = {
  getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
}
const getVariablesResult = {
  getVariableResult: [
    {
      attributeStatus: 'Accepted',
      attributeValue: '300',
      component: { name: 'OCPPCommCtrlr' },
      variable: { name: 'HeartbeatInterval' },
    },
  ],
}
const reset = { type: 'Immediate' }

describe('CSMS-initiated CALLs through the gateway', () => {
  let f: Fixture

  before(async () => {
    f = await startFixture({ CSMS_GATEWAY_CALL_TIMEOUT_MS: '20000', CSMS_GATEWAY_MAX_QUEUED_CALLS: '2' })
  })
  after(() => f?.stop())

  const call = (stationId: string, action: string, payload: unknown, timeoutMs = 10_000) =>
    callStation(f.nc, { stationId, action, payload, timeoutMs })
  /** A NATS round trip through the gateway's connection: what was published before it has been handled. */
  const barrier = () => f.nc.request(pingSubject('gateway'), '', { timeout: 5_000 })

  it('delivers a CALL on ocpp.out.<station>.<Action> and returns the CALLRESULT', async () => {
    const station = await f.station('CS-OUT.1')
    const pending = call('CS-OUT.1', 'GetVariables', getVariables)
    const [type, id, action, payload] = await station.nextCall()
    assert.deepEqual([type, action, payload], [2, 'GetVariables', getVariables])
    assert.ok(typeof id === 'string' && id.length <= 36)
    station.send([3, id, getVariablesResult])
    assert.deepEqual(await pending, { ok: true, payload: getVariablesResult })
    assert.equal(ocppOutSubject('CS-OUT.1', 'GetVariables'), 'ocpp.out.CS-OUT~2E1.GetVariables')
  })

  it("returns the station's CALLERROR to the requester", async () => {
    const station = await f.station('CS-OUT-ERR')
    const pending = call('CS-OUT-ERR', 'Reset', reset)
    const [, id] = await station.nextCall('Reset')
    station.send([4, id, 'NotSupported', 'no reset here', { why: 'test' }])
    assert.deepEqual(await pending, {
      ok: false,
      code: 'NotSupported',
      description: 'no reset here',
      details: { why: 'test' },
    })
  })

  it('reports an answer out of schema to the requester as an error', async () => {
    const station = await f.station('CS-OUT-BAD')
    const pending = call('CS-OUT-BAD', 'Reset', reset)
    const [, id] = await station.nextCall('Reset')
    station.send([3, id, { status: 'Maybe' }])
    const reply = await pending
    assert.equal(reply.ok, false)
    assert.equal(!reply.ok && reply.code, 'PropertyConstraintViolation')
  })

  it('refuses a CALL out of the station version schema and sends the station nothing', async () => {
    const station = await f.station('CS-OUT-SCHEMA')
    const reply = await call('CS-OUT-SCHEMA', 'Reset', { type: 'Sometime' })
    assert.equal(reply.ok, false)
    assert.equal(!reply.ok && reply.code, 'PropertyConstraintViolation')
    assert.match(!reply.ok ? reply.description : '', /^not sent: out of the ocpp2\.0\.1 schema/)
    // The next CALL is the first the station sees.
    const pending = call('CS-OUT-SCHEMA', 'Reset', reset)
    const [, id, action, payload] = await station.nextCall()
    assert.deepEqual([action, payload], ['Reset', reset])
    station.send([3, id, { status: 'Accepted' }])
    assert.deepEqual(await pending, { ok: true, payload: { status: 'Accepted' } })
  })

  it('keeps one CALL outstanding: the next waits until the station answered', async () => {
    const station = await f.station('CS-ONE')
    const first = call('CS-ONE', 'Reset', reset)
    const second = call('CS-ONE', 'GetVariables', getVariables)
    const [, id1, action1] = await station.nextCall()
    assert.equal(action1, 'Reset')
    // The gateway has handled the second request (NATS keeps order), then answers a probe frame
    // over the same socket: had it sent the second CALL, that CALL would precede the answer.
    await barrier()
    await station.call('Teleport', {}, 'probe')
    assert.deepEqual(station.pending(), [], 'no second CALL while the first is outstanding')
    station.send([3, id1, { status: 'Accepted' }])
    const [, id2, action2] = await station.nextCall()
    assert.equal(action2, 'GetVariables')
    station.send([3, id2, getVariablesResult])
    assert.equal((await first).ok, true)
    assert.equal((await second).ok, true)
  })

  it('refuses CALLs beyond the bounded queue with GenericError', async () => {
    const station = await f.station('CS-QUEUE')
    const calls = [0, 1, 2, 3].map(() => call('CS-QUEUE', 'Reset', reset))
    const overflow = await calls[3]
    assert.deepEqual(overflow, {
      ok: false,
      code: 'GenericError',
      description: 'too many calls queued for this station',
      details: {},
    })
    for (let i = 0; i < 3; i++) {
      const [, id] = await station.nextCall('Reset')
      station.send([3, id, { status: 'Accepted' }])
      assert.equal((await calls[i])?.ok, true)
    }
  })

  it('frees the slot when the requester times out, ignores the late answer and sends the next CALL', async () => {
    const station = await f.station('CS-TIMEOUT')
    const late = call('CS-TIMEOUT', 'Reset', reset, 600)
    const [, lateId] = await station.nextCall('Reset')
    const next = call('CS-TIMEOUT', 'GetVariables', getVariables)
    await assert.rejects(late, (e) => isAppError(e) && e.code === 'timeout')
    const [, nextId] = await station.nextCall('GetVariables')
    station.send([3, lateId, { status: 'Accepted' }])
    station.send([3, nextId, getVariablesResult])
    assert.deepEqual(await next, { ok: true, payload: getVariablesResult })
  })

  it('answers station_offline when no gateway holds the station', async () => {
    await assert.rejects(
      call('CS-NOWHERE', 'Reset', reset),
      (e) => isAppError(e) && e.code === 'station_offline',
    )
  })

  it('refuses actions the station version does not receive', async () => {
    await f.station('CS-WRONG', { protocols: ['ocpp1.6'] })
    const unknown = await call('CS-WRONG', 'GetVariables', getVariables)
    assert.equal(!unknown.ok && unknown.code, 'NotImplemented')
    const wrongWay = await call('CS-WRONG', 'BootNotification', {})
    assert.equal(!wrongWay.ok && wrongWay.code, 'NotSupported')
  })

  it('answers the waiting requesters with an error when the station disconnects', async () => {
    const station: TestStation = await f.station('CS-GONE')
    const inFlight = call('CS-GONE', 'Reset', reset)
    const queued = call('CS-GONE', 'GetVariables', getVariables)
    await station.nextCall('Reset')
    await barrier()
    await station.close()
    for (const reply of [await inFlight, await queued]) {
      assert.equal(reply.ok, false)
      assert.equal(!reply.ok && reply.code, 'GenericError')
      assert.match(!reply.ok ? reply.description : '', /station disconnected/)
    }
  })
})
