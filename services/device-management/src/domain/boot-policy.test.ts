import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decideBoot } from './boot-policy.js'

const policy = { unknownStationStatus: 'Pending', heartbeatIntervalS: 300, retryIntervalS: 60 } as const

describe('boot policy', () => {
  it('accepts a registered station with the heartbeat interval', () => {
    assert.deepEqual(decideBoot(true, policy), { status: 'Accepted', interval: 300 })
  })

  it('answers an unknown station per policy with the retry interval', () => {
    assert.deepEqual(decideBoot(false, policy), { status: 'Pending', interval: 60 })
    assert.deepEqual(decideBoot(false, { ...policy, unknownStationStatus: 'Rejected' }), {
      status: 'Rejected',
      interval: 60,
    })
  })

  it('gives an accepted unknown station the heartbeat interval', () => {
    assert.deepEqual(decideBoot(false, { ...policy, unknownStationStatus: 'Accepted' }), {
      status: 'Accepted',
      interval: 300,
    })
  })
})
