import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { configurationOutcome, defaultTargetTimeoutS } from './campaign-policy.js'

describe('campaign policy', () => {
  it('counts a configuration change as done only when every item was taken', () => {
    assert.deepEqual(configurationOutcome(['Accepted', 'RebootRequired']), { ok: true, rebootRequired: true })
    assert.deepEqual(configurationOutcome(['Accepted', 'Rejected', 'UnknownVariable', 'Rejected']), {
      ok: false,
      error: 'refused: Rejected, UnknownVariable',
    })
    assert.equal(configurationOutcome([]).ok, false)
  })

  it('gives firmware updates longer than configuration changes', () => {
    assert.ok(defaultTargetTimeoutS('firmware') > defaultTargetTimeoutS('configuration'))
  })
})
