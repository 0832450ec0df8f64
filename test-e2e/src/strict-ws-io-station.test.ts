import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import type { Payload, StrictProtocol } from './strict-driver.js'
import { startStandInCsms } from './strict-stand-in-csms.js'
import { WsIoStation } from './strict-ws-io-station.js'

// That the ocpp-ws-io station of strict-ws-io.test.ts catches what it must: a stand-in CSMS (a
// bare WebSocket server) that answers and calls against the schemas and OCPP-J leaves violations
// behind, fails the station's calls and reaches no handler where strict mode covers the action.

const bootPayload = (protocol: StrictProtocol, id: string): Payload =>
  protocol === 'ocpp1.6'
    ? { chargePointVendor: 'WsIo', chargePointModel: 'WSIO-16', chargePointSerialNumber: `SN-${id}` }
    : {
        reason: 'PowerUp',
        chargingStation: {
          vendorName: 'WsIo',
          model: 'WSIO-2',
          serialNumber: `SN-${id}`,
          firmwareVersion: '1.0',
        },
      }

describe('ocpp-ws-io strict mode catches a CSMS that breaks the schemas or OCPP-J', () => {
  let csms: Awaited<ReturnType<typeof startStandInCsms>>
  before(async () => {
    csms = await startStandInCsms([2, 'csms-1', 'Reset', { type: 'Sometime' }], (frame, send) => {
      const [type, id, action] = frame
      // Once the broken Reset is refused: an action without schemas, an answer nobody asked for.
      if (type === 4 && id === 'csms-1') {
        send([2, 'csms-2', 'FooBar', {}])
        send([3, 'nobody-asked', {}])
      }
      if (type !== 2) return
      // BootNotification's answer lacks interval and currentTime; Heartbeat's error code is made up.
      if (action === 'BootNotification') send([3, id, { status: 'Accepted' }])
      else send([4, id, 'NoSuchCode', 'made up', {}])
    })
  })
  after(() => csms.stop())

  for (const protocol of ['ocpp2.0.1', 'ocpp2.1', 'ocpp1.6'] as const)
    it(`${protocol}: refuses a broken CALL and CALLRESULT both ways, flags what the library lets through`, async () => {
      const fromStation = csms.fromStation
      fromStation.length = 0
      const cs = await WsIoStation.connect(csms.url, 'SELF-CHECK', protocol)
      cs.answer('Reset', () => ({ status: 'Accepted' }))
      await assert.rejects(cs.call('BootNotification', bootPayload(protocol, cs.id)), /required property/)
      await assert.rejects(cs.call('Heartbeat', {}))
      // Outbound: the library refuses to send an invalid CALL at all.
      await assert.rejects(cs.call('Heartbeat', { extra: 1 }), /additional properties/)
      await waitFor(() => cs.violations.some((v) => v.startsWith('an answer to no CALL')), {
        description: 'the answer to no CALL flagged',
      })
      await waitFor(() => fromStation.some((f) => f[0] === 4 && f[1] === 'csms-2'), {
        description: 'the station to answer FooBar',
      })
      await cs.close()
      const refusal = fromStation.find((f) => f[1] === 'csms-1')
      assert.deepEqual(refusal?.slice(0, 3), [4, 'csms-1', 'PropertyConstraintViolation'])
      assert.equal(
        fromStation.some((f) => f[2] === 'Heartbeat' && JSON.stringify(f[3]).includes('extra')),
        false,
      )
      // Strict mode validates only actions it has schemas for: FooBar reached the handler.
      assert.deepEqual(
        cs.received.map((c) => c.action),
        ['FooBar'],
      )
      assert.deepEqual(cs.violations.map((v) => v.replace(/\s*[(:].*$/s, '')).sort(), [
        'an answer to no CALL the station has outstanding',
        `error code not in the ${protocol} table`,
        `no ${protocol} schemas for FooBar, which strict mode skips`,
        'strict mode refused the CALLRESULT from the CSMS to BootNotification',
        'strict mode refused the Heartbeat CALL of the test station',
        'strict mode refused the Reset CALL from the CSMS',
      ])
    })
})
