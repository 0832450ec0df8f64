import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { callStation } from '@csms/bus'
import { type Fixture, startFixture } from './support/fixture.js'
import { serveStationCalls } from './support/stand-ins.js'

const now = '2026-11-26T10:00:00.000Z'
const status = { timestamp: now, connectorStatus: 'Available', evseId: 1, connectorId: 1 }
const report = { requestId: 7, generatedAt: now, seqNo: 0, tbc: false }

describe('a station answered Pending or Rejected may send only what OCPP allows (B02.FR.09, B03.FR.07)', () => {
  let f: Fixture
  /** The registration status the stand-in device-management answers, per station. */
  const registration = new Map<string, string>()

  before(async () => {
    f = await startFixture({})
    serveStationCalls(f.nc, (action, _payload, msg) => {
      const stationId = msg.headers?.get('Ocpp-Station-Id') ?? ''
      if (action === 'BootNotification')
        return {
          payload: { currentTime: now, interval: 10, status: registration.get(stationId) ?? 'Accepted' },
        }
      if (action === 'Heartbeat') return { payload: { currentTime: now } }
      return { payload: {} }
    })
    await f.nc.flush()
  })
  after(() => f?.stop())

  const boot = (station: Awaited<ReturnType<Fixture['station']>>, id: string) =>
    station.call(
      'BootNotification',
      { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } },
      id,
    )
  const csmsCall = (stationId: string, action: string, payload: unknown) =>
    callStation(f.nc, { stationId, action, payload, timeoutMs: 10_000 })

  it('answers SecurityError to anything but BootNotification while Rejected, and opens once Accepted', async () => {
    registration.set('CS-REJ', 'Rejected')
    const station = await f.station('CS-REJ')
    assert.equal(((await boot(station, 'b1'))[2] as { status: string }).status, 'Rejected')
    for (const [action, payload] of [
      ['StatusNotification', status],
      ['Heartbeat', {}],
      ['NotifyReport', report],
    ] as const) {
      const answer = await station.call(action, payload, `x-${action}`)
      assert.deepEqual(answer.slice(0, 3), [4, `x-${action}`, 'SecurityError'], action)
      assert.match(String(answer[3]), /Rejected/)
    }
    // B03.FR.03: nothing goes to a Rejected station; the requester hears why.
    const refused = await csmsCall('CS-REJ', 'GetVariables', {
      getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
    })
    assert.equal(refused.ok, false)
    assert.match(refused.ok ? '' : refused.description, /Rejected/)
    registration.set('CS-REJ', 'Accepted')
    assert.equal(((await boot(station, 'b2'))[2] as { status: string }).status, 'Accepted')
    assert.deepEqual(await station.call('Heartbeat', {}, 'hb'), [3, 'hb', { currentTime: now }])
    assert.deepEqual(
      station.pending().filter((fr) => fr[0] === 2),
      [],
      'the station received no CALL while Rejected',
    )
  })

  it('lets a Pending station send only what the CSMS triggered or asked a report for', async () => {
    registration.set('CS-PEND', 'Pending')
    const station = await f.station('CS-PEND')
    await boot(station, 'b1')
    assert.equal((await station.call('StatusNotification', status, 's1'))[2], 'SecurityError')

    const trigger = csmsCall('CS-PEND', 'TriggerMessage', { requestedMessage: 'StatusNotification' })
    const [, triggerId] = await station.nextCall('TriggerMessage')
    station.send([3, triggerId, { status: 'Accepted' }])
    assert.equal((await trigger).ok, true)
    assert.deepEqual(await station.call('StatusNotification', status, 's2'), [3, 's2', {}])

    assert.equal((await station.call('NotifyReport', report, 'r1'))[2], 'SecurityError')
    const getReport = csmsCall('CS-PEND', 'GetBaseReport', { requestId: 7, reportBase: 'FullInventory' })
    const [, reportId] = await station.nextCall('GetBaseReport')
    station.send([3, reportId, { status: 'Accepted' }])
    await getReport
    assert.deepEqual(await station.call('NotifyReport', report, 'r2'), [3, 'r2', {}])

    // Nothing asked for a Heartbeat.
    assert.equal((await station.call('Heartbeat', {}, 'hb'))[2], 'SecurityError')
  })

  it('leaves OCPP 1.6 stations and stations that did not boot on this socket alone', async () => {
    registration.set('CS-16-REJ', 'Rejected')
    const legacy = await f.station('CS-16-REJ', { protocols: ['ocpp1.6'] })
    const answer = await legacy.call(
      'BootNotification',
      { chargePointVendor: 'V', chargePointModel: 'M' },
      'b1',
    )
    assert.equal((answer[2] as { status: string }).status, 'Rejected')
    assert.deepEqual(await legacy.call('Heartbeat', {}, 'hb'), [3, 'hb', { currentTime: now }])

    registration.set('CS-NOBOOT', 'Rejected')
    const reconnected = await f.station('CS-NOBOOT')
    assert.deepEqual(await reconnected.call('Heartbeat', {}, 'hb'), [3, 'hb', { currentTime: now }])
  })
})
