import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RegistrationGate } from './registration-gate.js'

describe('the registration gate', () => {
  it('exists only after a Pending or Rejected answer', () => {
    assert.equal(RegistrationGate.after({ status: 'Accepted' }), undefined)
    assert.equal(RegistrationGate.after(null), undefined)
    assert.ok(RegistrationGate.after({ status: 'Pending' }))
    assert.ok(RegistrationGate.after({ status: 'Rejected' }))
  })

  it('lets a Rejected station send BootNotification only, whatever the CSMS asked', () => {
    const gate = RegistrationGate.after({ status: 'Rejected' }) as RegistrationGate
    gate.csmsCalled('TriggerMessage', { requestedMessage: 'Heartbeat' })
    assert.equal(gate.admits('BootNotification'), true)
    assert.equal(gate.admits('Heartbeat'), false)
  })

  it('maps each trigger to the CALL it makes, and the report requests to NotifyReport', () => {
    const gate = RegistrationGate.after({ status: 'Pending' }) as RegistrationGate
    assert.equal(gate.admits('SignCertificate'), false)
    gate.csmsCalled('TriggerMessage', { requestedMessage: 'SignV2GCertificate' })
    assert.equal(gate.admits('SignCertificate'), true)
    gate.csmsCalled('TriggerMessage', { requestedMessage: 'CustomTrigger', customTrigger: 'x' })
    gate.csmsCalled('GetVariables', { getVariableData: [] })
    assert.equal(gate.admits('NotifyReport'), false)
    gate.csmsCalled('GetReport', { requestId: 1 })
    assert.equal(gate.admits('NotifyReport'), true)
    assert.equal(gate.admits('TransactionEvent'), false)
  })
})
