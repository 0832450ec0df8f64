import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { encodeStationId, HEADER, ocppInSubject, stationActionsHandled } from '@csms/bus'
import { actionInfo, actionsOf, type v21, validateRequest } from '@csms/ocpp'
import type { Msg } from '@nats-io/transport-node'
import { type Fixture, startFixture } from './support/fixture.js'
import { serveStationCalls } from './support/stand-ins.js'

const heartbeat = { currentTime: '2026-11-26T10:00:00.000Z' }

describe('station CALLs through the gateway', () => {
  let f: Fixture
  const seen: Msg[] = []
  let release: () => void = () => {}
  let released = true
  let held: Promise<void> = Promise.resolve()
  const arrivals: Array<{ vendorId: string; whileHeld: boolean }> = []

  before(async () => {
    f = await startFixture({ CSMS_GATEWAY_NATS_TIMEOUT_MS: '1000', CSMS_GATEWAY_MAX_QUEUED_INBOUND: '1' })
    // The owning services, reduced to what the gateway needs: an answer, an error, silence, a hold.
    for (const action of ['Heartbeat', 'DataTransfer', 'StatusNotification', 'Authorize']) {
      serveStationCalls(
        f.nc,
        async (a, payload, msg) => {
          seen.push(msg)
          if (a === 'Heartbeat') return { payload: heartbeat }
          if (a === 'StatusNotification') return 'silent'
          if (a === 'Authorize') return { error: 'FormatViolation', description: 'idToken malformed' }
          const p = payload as { vendorId: string; messageId?: string }
          arrivals.push({ vendorId: p.vendorId, whileHeld: !released })
          if (p.messageId === 'hold') await held
          return { payload: { status: 'Accepted', data: p.vendorId } }
        },
        `ocpp.in.*.${action}.*`,
      )
    }
    await f.nc.flush()
  })
  after(() => f?.stop())

  it('forwards a CALL to ocpp.in.<ver>.<Action>.<station> with metadata headers and returns the CALLRESULT', async () => {
    const station = await f.station('site.1*CS-7')
    const answer = await station.call('Heartbeat', {}, 'hb-1')
    assert.deepEqual(answer, [3, 'hb-1', heartbeat])
    const msg = seen.find((m) => m.headers?.get(HEADER.messageId) === 'hb-1')
    assert.ok(msg, 'the service received the CALL')
    assert.equal(msg.subject, ocppInSubject('v201', 'Heartbeat', 'site.1*CS-7'))
    assert.equal(msg.headers?.get(HEADER.stationId), 'site.1*CS-7')
    assert.equal(msg.headers?.get(HEADER.protocol), 'ocpp2.0.1')
    assert.equal(msg.headers?.get(HEADER.gatewayId), f.gateway.gatewayId)
    assert.match(msg.headers?.get(HEADER.traceparent) ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]$/)
  })

  it('turns an error reply into a CALLERROR with its code, spelled for the station version', async () => {
    const v201 = await f.station('CS-ERR-2')
    assert.deepEqual(await v201.call('Authorize', { idToken: { idToken: 'X', type: 'ISO14443' } }, 'a1'), [
      4,
      'a1',
      'FormatViolation',
      'idToken malformed',
      {},
    ])
    const v16 = await f.station('CS-ERR-16', { protocols: ['ocpp1.6'] })
    const answer = await v16.call('Authorize', { idTag: 'X' }, 'a2')
    assert.deepEqual(answer.slice(0, 3), [4, 'a2', 'FormationViolation'])
  })

  it('answers InternalError when the service that owns the action is not running', async () => {
    const station = await f.station('CS-NORESP')
    const answer = await station.call(
      'MeterValues',
      { evseId: 1, meterValue: [{ timestamp: '2026-11-26T10:00:00.000Z', sampledValue: [{ value: 1 }] }] },
      'mv',
    )
    assert.deepEqual(answer.slice(0, 3), [4, 'mv', 'InternalError'])
  })

  it('answers NotSupported at once, without a NATS request, to a 2.1 action no service answers', async () => {
    const settlement: v21.NotifySettlementRequest = {
      pspRef: 'psp-42',
      status: 'Settled',
      settlementAmount: 12.5,
      settlementTime: '2026-11-26T10:00:00.000Z',
    }
    const vat: v21.VatNumberValidationRequest = { vatNumber: 'NL123456789B01', evseId: 1 }
    assert.ok(validateRequest('v21', 'NotifySettlement', settlement).ok)
    assert.ok(validateRequest('v21', 'VatNumberValidation', vat).ok)
    const reached: string[] = []
    const spy = f.nc.subscribe(`ocpp.in.v21.*.${encodeStationId('CS-UNOWNED')}`, {
      callback: (err, msg) => {
        if (!err) reached.push(msg.subject.split('.')[3] ?? '')
      },
    })
    await f.nc.flush()
    const station = await f.station('CS-UNOWNED', { protocols: ['ocpp2.1'] })

    assert.deepEqual(await station.call('NotifySettlement', settlement, 'ns'), [
      4,
      'ns',
      'NotSupported',
      'NotifySettlement is not supported by this CSMS',
      {},
    ])
    assert.deepEqual((await station.call('VatNumberValidation', vat, 'vat')).slice(0, 3), [
      4,
      'vat',
      'NotSupported',
    ])
    // Every other station CALL of 2.1 that no service answers, refused before its payload is read.
    const handled = stationActionsHandled('v21')
    const unowned = actionsOf('v21').filter((a) => {
      const info = actionInfo('v21', a)
      return info?.sender !== 'csms' && info?.transport === 'call' && !handled.has(a)
    })
    assert.ok(
      unowned.includes('BatterySwap') && unowned.includes('PullDynamicScheduleUpdate'),
      unowned.join(),
    )
    for (const action of unowned) {
      assert.deepEqual((await station.call(action, {}, `u-${action}`)).slice(0, 3), [
        4,
        `u-${action}`,
        'NotSupported',
      ])
    }
    // What a service owns still goes to it (the stand-ins answer Heartbeat and DataTransfer).
    assert.deepEqual(await station.call('Heartbeat', {}, 'hb'), [3, 'hb', heartbeat])
    assert.deepEqual(await station.call('DataTransfer', { vendorId: 'acme' }, 'dt'), [
      3,
      'dt',
      { status: 'Accepted', data: 'acme' },
    ])
    await f.nc.flush()
    spy.unsubscribe()
    assert.deepEqual(reached, ['Heartbeat', 'DataTransfer'], 'only the owned CALLs reached NATS')
  })

  it('answers InternalError when the owning service does not answer in time', async () => {
    const station = await f.station('CS-SLOW')
    const payload = {
      timestamp: '2026-11-26T10:00:00.000Z',
      connectorStatus: 'Available',
      evseId: 1,
      connectorId: 1,
    }
    const answer = await station.call('StatusNotification', payload, 'sn')
    assert.deepEqual(answer.slice(0, 3), [4, 'sn', 'InternalError'])
  })

  it("forwards the owner's reply text as the CALLRESULT payload, and answers InternalError to a reply that is not JSON", async () => {
    const replies: Record<string, string> = {
      'CS-REPLY-TEXT': ' { } ',
      'CS-REPLY-BAD': 'not json {',
      'CS-REPLY-EMPTY': '',
    }
    const sub = f.nc.subscribe('ocpp.in.v201.SecurityEventNotification.*', {
      callback: (_err, msg) => {
        msg.respond(replies[msg.headers?.get(HEADER.stationId) ?? ''] ?? '')
      },
    })
    await f.nc.flush()
    const payload = { type: 'FirmwareUpdated', timestamp: '2026-11-26T10:00:00.000Z' }
    try {
      const spaced = await f.station('CS-REPLY-TEXT')
      assert.deepEqual(await spaced.call('SecurityEventNotification', payload, 'se1'), [3, 'se1', {}])
      for (const id of ['CS-REPLY-BAD', 'CS-REPLY-EMPTY']) {
        const station = await f.station(id)
        const answer = await station.call('SecurityEventNotification', payload, 'se2')
        assert.deepEqual(answer.slice(0, 3), [4, 'se2', 'InternalError'], id)
      }
    } finally {
      sub.unsubscribe()
    }
  })

  it('answers InternalError to a CALL whose message id has a line break (no NATS header can carry it), and goes on', async () => {
    const station = await f.station('CS-CRLF')
    const id = 'a\r\nOcpp-Station-Id: CS-7'
    const answer = await station.call('Heartbeat', {}, id)
    assert.deepEqual(answer.slice(0, 3), [4, id, 'InternalError'])
    assert.equal(
      seen.some((m) => m.headers?.get(HEADER.stationId) === 'CS-CRLF'),
      false,
      'nothing reached the service',
    )
    assert.deepEqual(await station.call('Heartbeat', {}, 'after-crlf'), [3, 'after-crlf', heartbeat])
  })

  it('answers broken frames with the OCPP-J code of the version', async () => {
    const v201 = await f.station('CS-FRAMES')
    const cases: Array<[string, unknown[]]> = [
      ['not json', [4, '-1', 'RpcFrameworkError']],
      ['{"a":1}', [4, '-1', 'RpcFrameworkError']],
      ['[7,"t7","Heartbeat",{}]', [4, 't7', 'MessageTypeNotSupported']],
      ['[2,"t1","Teleport",{}]', [4, 't1', 'NotImplemented']],
      ['[2,"t2","Reset",{"type":"Immediate"}]', [4, 't2', 'NotSupported']],
      ['[2,"t3","DataTransfer",{}]', [4, 't3', 'OccurrenceConstraintViolation']],
      ['[2,"t4","DataTransfer",{"vendorId":42}]', [4, 't4', 'TypeConstraintViolation']],
      ['[2,"t5","DataTransfer",{"vendorId":"v","extra":1}]', [4, 't5', 'FormatViolation']],
      ['[2,"t6","DataTransfer",[1]]', [4, 't6', 'ProtocolError']],
      [
        '[2,"t8","BootNotification",{"reason":"Bored","chargingStation":{"model":"m","vendorName":"v"}}]',
        [4, 't8', 'PropertyConstraintViolation'],
      ],
    ]
    for (const [frame, expected] of cases) {
      v201.send(frame)
      const answer = await v201.next((f) => f[0] === 4 && f[1] === expected[1])
      assert.deepEqual(answer.slice(0, 3), expected, frame)
    }
    const v16 = await f.station('CS-FRAMES-16', { protocols: ['ocpp1.6'] })
    v16.send('not json')
    assert.deepEqual((await v16.next()).slice(0, 3), [4, '-1', 'FormationViolation'])
    // 1.6 §4.1.3: an unknown message type is ignored, so the next answer is the heartbeat's.
    v16.send('[7,"x","Heartbeat",{}]')
    assert.deepEqual((await v16.call('Heartbeat', {}, 'after')).slice(0, 2), [3, 'after'])
  })

  it('answers station CALLs in order, one at a time, and refuses CALLs beyond the bounded queue', async () => {
    released = false
    held = new Promise((resolve) => {
      release = () => {
        released = true
        resolve()
      }
    })
    const station = await f.station('CS-FLOOD')
    station.send([2, 'c1', 'DataTransfer', { vendorId: 'one', messageId: 'hold' }])
    station.send([2, 'c2', 'DataTransfer', { vendorId: 'two' }])
    station.send([2, 'c3', 'DataTransfer', { vendorId: 'three' }])
    const refused = await station.answerTo('c3')
    assert.deepEqual(refused.slice(0, 3), [4, 'c3', 'GenericError'])
    release()
    assert.deepEqual(await station.next(), [3, 'c1', { status: 'Accepted', data: 'one' }])
    assert.deepEqual(await station.next(), [3, 'c2', { status: 'Accepted', data: 'two' }])
    const two = arrivals.find((a) => a.vendorId === 'two')
    assert.equal(
      two?.whileHeld,
      false,
      'the second CALL reached the service only after the first was answered',
    )
    assert.equal(
      arrivals.some((a) => a.vendorId === 'three'),
      false,
      'the refused CALL never reached the service',
    )
  })

  it('correlates answers per connection: two stations using the same message id get their own', async () => {
    const [a, b] = await Promise.all([f.station('CS-SAME-A'), f.station('CS-SAME-B')])
    const [ra, rb] = await Promise.all([
      a.call('DataTransfer', { vendorId: 'A' }, '1'),
      b.call('DataTransfer', { vendorId: 'B' }, '1'),
    ])
    assert.deepEqual(ra, [3, '1', { status: 'Accepted', data: 'A' }])
    assert.deepEqual(rb, [3, '1', { status: 'Accepted', data: 'B' }])
  })

  it('publishes an OCPP 2.1 SEND to its owner without waiting, and drops an invalid one without answering', async () => {
    const sends = f.nc.subscribe('ocpp.in.v21.NotifyPeriodicEventStream.*', { max: 1, timeout: 20_000 })
    await f.nc.flush()
    const station = await f.station('CS-SEND', { protocols: ['ocpp2.1'] })
    station.send([6, 'bad', 'NotifyPeriodicEventStream', {}])
    const payload = { data: [{ t: 0, v: '230.1' }], id: 1, pending: 0, basetime: '2026-11-26T10:00:00.000Z' }
    station.send([6, 'good', 'NotifyPeriodicEventStream', payload])
    for await (const m of sends) {
      assert.deepEqual(m.json(), payload)
      assert.equal(m.headers?.get(HEADER.messageId), 'good')
      assert.ok(!m.reply, 'nobody waits for an answer to a SEND')
    }
    assert.deepEqual((await station.call('Heartbeat', {}, 'after')).slice(0, 2), [3, 'after'])
    assert.deepEqual(station.pending(), [], 'neither SEND got an answer')
  })
})
