import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkIncomingAction } from './check-incoming-action.js'

describe('checkIncomingAction', () => {
  it('A1 answers an action the version does not define with NotImplemented', () => {
    assert.deepEqual(checkIncomingAction('v201', 'StartTransaction', 'csms'), {
      ok: false,
      code: 'NotImplemented',
    })
    assert.deepEqual(checkIncomingAction('v16', 'TransactionEvent', 'csms'), {
      ok: false,
      code: 'NotImplemented',
    })
    assert.deepEqual(checkIncomingAction('v201', 'constructor', 'csms'), {
      ok: false,
      code: 'NotImplemented',
    })
  })

  it('A2 answers a CSMS-only action sent by a station with NotSupported', () => {
    assert.deepEqual(checkIncomingAction('v201', 'Reset', 'csms'), { ok: false, code: 'NotSupported' })
    assert.deepEqual(checkIncomingAction('v16', 'RemoteStartTransaction', 'csms'), {
      ok: false,
      code: 'NotSupported',
    })
    assert.deepEqual(checkIncomingAction('v21', 'SetDERControl', 'csms'), { ok: false, code: 'NotSupported' })
  })

  it('A2 answers an action no service handles with NotSupported', () => {
    const supported = new Set(['BootNotification'])
    assert.deepEqual(checkIncomingAction('v201', 'NotifyEvent', 'csms', { supported }), {
      ok: false,
      code: 'NotSupported',
    })
    assert.deepEqual(checkIncomingAction('v201', 'BootNotification', 'csms', { supported }), { ok: true })
  })

  it('A1 knows NotifyPeriodicEventStream only in a SEND frame, and no CALL action in one', () => {
    const send = { frame: 'send' } as const
    const unknown = { ok: false, code: 'NotImplemented' }
    assert.deepEqual(checkIncomingAction('v21', 'NotifyPeriodicEventStream', 'csms'), unknown)
    assert.deepEqual(checkIncomingAction('v21', 'NotifyPeriodicEventStream', 'csms', send), { ok: true })
    assert.deepEqual(checkIncomingAction('v21', 'Heartbeat', 'csms', send), unknown)
  })

  it('accepts the actions a station may start, and DataTransfer either way', () => {
    assert.deepEqual(checkIncomingAction('v16', 'StartTransaction', 'csms'), { ok: true })
    assert.deepEqual(checkIncomingAction('v21', 'NotifyDERAlarm', 'csms'), { ok: true })
    assert.deepEqual(checkIncomingAction('v201', 'DataTransfer', 'csms'), { ok: true })
    assert.deepEqual(checkIncomingAction('v201', 'DataTransfer', 'station'), { ok: true })
    assert.deepEqual(checkIncomingAction('v201', 'GetVariables', 'station'), { ok: true })
    assert.deepEqual(checkIncomingAction('v201', 'BootNotification', 'station'), {
      ok: false,
      code: 'NotSupported',
    })
  })
})
