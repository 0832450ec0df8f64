import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decideBoot } from './boot-policy.js'

const policy = { unknownStationStatus: 'Pending', heartbeatIntervalS: 300, retryIntervalS: 60 } as const
const registered = { registered: true, policy: null }
const unknown = { registered: false, policy: null }

describe('boot policy', () => {
  it('accepts a registered station with the heartbeat interval', () => {
    assert.deepEqual(decideBoot(registered, policy), { status: 'Accepted', interval: 300 })
  })

  it('answers an unknown station per policy with the retry interval', () => {
    assert.deepEqual(decideBoot(unknown, policy), { status: 'Pending', interval: 60 })
    assert.deepEqual(decideBoot(unknown, { ...policy, unknownStationStatus: 'Rejected' }), {
      status: 'Rejected',
      interval: 60,
    })
  })

  it('gives an accepted unknown station the heartbeat interval', () => {
    assert.deepEqual(decideBoot(unknown, { ...policy, unknownStationStatus: 'Accepted' }), {
      status: 'Accepted',
      interval: 300,
    })
  })

  it("lets the station's own registration status win over registration and policy", () => {
    assert.deepEqual(decideBoot({ registered: true, policy: 'Rejected' }, policy), {
      status: 'Rejected',
      interval: 60,
    })
    assert.deepEqual(decideBoot({ registered: true, policy: 'Pending' }, policy), {
      status: 'Pending',
      interval: 60,
    })
    assert.deepEqual(
      decideBoot({ registered: false, policy: 'Accepted' }, { ...policy, unknownStationStatus: 'Rejected' }),
      {
        status: 'Accepted',
        interval: 300,
      },
    )
  })
})
