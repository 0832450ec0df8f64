import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { actionInfo, OCPP_VERSIONS } from '@csms/ocpp'
import { stationActionOwner, stationActionsHandled } from './station-action-owners.js'

// Whether the table matches the running services is test-e2e/src/station-action-owners.test.ts.
describe('station actions handled', () => {
  it('lists only actions a station may send in that version, each with its owner', () => {
    for (const version of OCPP_VERSIONS) {
      for (const action of stationActionsHandled(version)) {
        assert.notEqual(actionInfo(version, action)?.sender ?? 'csms', 'csms', `${version} ${action}`)
        assert.ok(stationActionOwner(version, action), `${version} ${action} has an owner`)
      }
    }
  })

  it('answers one action in the versions its handlers serve', () => {
    assert.equal(stationActionOwner('v16', 'StartTransaction'), 'transaction')
    assert.equal(stationActionOwner('v201', 'StartTransaction'), undefined)
    assert.equal(stationActionOwner('v21', 'NotifyEVChargingNeeds'), 'smart-charging')
    assert.equal(stationActionsHandled('v21').has('NotifySettlement'), false)
  })

  it('finds nothing for names an object would inherit', () => {
    for (const name of ['constructor', '__proto__', 'toString'])
      assert.equal(stationActionOwner('v201', name), undefined, name)
  })
})
