import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import { startStandInCsms } from './strict-stand-in-csms.js'
import { StrictStation } from './strict-station.js'

// That the strict station of strict-rpc.test.ts catches what it must: a stand-in CSMS (a bare
// WebSocket server) that answers and calls against the schemas leaves violations behind, fails
// the station's call and reaches no handler.
describe('the strict station records what a nonconforming CSMS sends', () => {
  let csms: Awaited<ReturnType<typeof startStandInCsms>>
  before(async () => {
    csms = await startStandInCsms([2, 'csms-1', 'Reset', { type: 'Sometime' }], (frame, send) => {
      const [type, id, action] = frame
      if (type !== 2) return
      // BootNotification lacks interval and currentTime; a Heartbeat gets an unknown error code.
      if (action === 'BootNotification') send([3, id, { status: 'Accepted' }])
      else send([4, id, 'NoSuchCode', 'made up', {}])
    })
  })
  after(() => csms.stop())

  // 2.1 runs on the validator strict-station.ts builds around ocpp-rpc's misnamed 2.1 schemas.
  for (const protocol of ['ocpp2.0.1', 'ocpp2.1'] as const)
    it(`${protocol}: rejects an invalid CALLRESULT, refuses an invalid CALL before its handler, flags an unknown error code`, async () => {
      const fromStation = csms.fromStation
      fromStation.length = 0
      const cs = await StrictStation.connect(csms.url, 'SELF-TEST', protocol)
      cs.answer('Reset', () => ({ status: 'Accepted' }))
      await assert.rejects(
        cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } }),
        /required property/,
      )
      await assert.rejects(cs.call('Heartbeat', {}))
      await waitFor(() => fromStation.some((f) => f[0] === 4 && f[1] === 'csms-1'), {
        description: 'the station to refuse the invalid Reset',
      })
      assert.deepEqual(cs.received, [])
      assert.equal(fromStation.find((f) => f[1] === 'csms-1')?.[2], 'FormatViolation')
      await cs.close()
      assert.deepEqual(
        cs.violations.map((v) => v.slice(0, v.indexOf(':'))).sort(),
        [
          'strict mode refused Reset sent by the CSMS',
          'strict mode refused BootNotification sent by the CSMS',
          `error code not in the ${protocol} table`,
        ].sort(),
      )
    })
})
