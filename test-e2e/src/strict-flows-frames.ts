import { it } from 'node:test'
import type { StrictProtocol } from './strict-driver.js'
import type { StrictHarness } from './strict-harness.js'
import { now } from './strict-payloads.js'
import { expectCallErrors, expectNoAnswer, expectResetRefused } from './strict-steps.js'

// Frames a station may not send, sent past strict mode: each gets the CALLERROR (or none) that
// OCPP-J prescribes, with a code of the version's table.

/** The refusals of a 2.x station's CALLs, and its answers to frames 2.0.1 or 2.1 define apart. */
export function v2FrameFlows(h: StrictHarness, protocol: Exclude<StrictProtocol, 'ocpp1.6'>): void {
  const version = protocol.slice(4)

  it('refuses a CALL no service answers with a well-formed NotImplemented or NotSupported', async () => {
    const cs = h.main(protocol)
    await expectResetRefused(cs)
    cs.assertConformant()
  })

  it(`answers broken and unknown CALLs with CALLERRORs spelled as OCPP ${version} prescribes`, async () => {
    const cs = h.main(protocol)
    await expectCallErrors(cs, [
      ['[2,"raw-1","FooBar",{}]', 'raw-1', ['NotImplemented']],
      ['[2,"raw-2","BootNotification",{"reason":"PowerUp"}]', 'raw-2', ['OccurrenceConstraintViolation']],
      ['[2,"raw-3","Heartbeat",{"extra":1}]', 'raw-3', ['PropertyConstraintViolation', 'FormatViolation']],
      // A payload that is no object does not "conform the PDU structure" (ProtocolError).
      [
        '[2,"raw-4","Heartbeat",[]]',
        'raw-4',
        ['ProtocolError', 'TypeConstraintViolation', 'FormatViolation'],
      ],
      ['[2,"raw-5",', '-1', ['RpcFrameworkError', 'FormatViolation', 'ProtocolError']],
    ])
    cs.assertConformant()
  })

  it(`answers SEND, CALLRESULTERROR and broken CALLRESULT frames as OCPP ${version} prescribes`, async () => {
    const cs = h.main(protocol)
    const stream = { id: 1, pending: 0, basetime: now(), data: [{ t: 0, v: '11000' }] }
    const send = `[6,"send-1","NotifyPeriodicEventStream",${JSON.stringify(stream)}]`
    const resultError = '[5,"cre-1","FormatViolation","bad CALLRESULT",{}]'
    const [incomplete, notObject] = ['[3,"res-1"]', '[3,"res-2",[]]'] as const
    if (protocol === 'ocpp2.1') {
      // 2.1 part 4 §4.1.3, §4.2.4: SEND and CALLRESULTERROR are never answered, an unknown
      // message type is ignored, and a broken CALLRESULT gets a CALLRESULTERROR.
      await expectNoAnswer(cs, [
        send,
        '[6,"send-2","NotifyPeriodicEventStream",{"id":-1}]',
        '[6,"send-3","Heartbeat",{}]',
        resultError,
        '[7,"type-7",{}]',
      ])
      await expectCallErrors(
        cs,
        [
          [incomplete, 'res-1', ['RpcFrameworkError']],
          [notObject, 'res-2', ['ProtocolError']],
        ],
        5,
      )
    } else {
      // 2.0.1 part 4 §4.4: message types it does not define get MessageTypeNotSupported; an
      // answer, even a broken one, is not answered.
      await expectCallErrors(cs, [
        [send, 'send-1', ['MessageTypeNotSupported']],
        [resultError, 'cre-1', ['MessageTypeNotSupported']],
      ])
      await expectNoAnswer(cs, [incomplete, notObject])
    }
    cs.assertConformant()
  })
}

/** The refusals of a 1.6 station's CALLs, spelled as OCPP-J 1.6 has them. */
export function v16FrameFlows(h: StrictHarness): void {
  it('answers broken and unknown CALLs with CALLERRORs spelled as OCPP-J 1.6 prescribes', async () => {
    const cs = h.main('ocpp1.6')
    await expectResetRefused(cs)
    await expectCallErrors(cs, [
      ['[2,"raw-1","FooBar",{}]', 'raw-1', ['NotImplemented']],
      [
        '[2,"raw-2","BootNotification",{"chargePointVendor":"Strict"}]',
        'raw-2',
        ['OccurenceConstraintViolation'],
      ],
      [
        '[2,"raw-3","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]',
        'raw-3',
        ['TypeConstraintViolation'],
      ],
      ['[2,"raw-4",', '-1', ['FormationViolation', 'ProtocolError', 'GenericError']],
    ])
    cs.assertConformant()
  })
}
