import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OCPP_VERSIONS } from '../versions.js'
import { isMessageTypeOf, messageTypesOf } from './frame.js'

describe('message types', () => {
  it('are CALL, CALLRESULT and CALLERROR before 2.1, which adds CALLRESULTERROR and SEND', () => {
    assert.deepEqual([...messageTypesOf('v16')], [2, 3, 4])
    assert.deepEqual([...messageTypesOf('v201')], [2, 3, 4])
    assert.deepEqual([...messageTypesOf('v21')], [2, 3, 4, 5, 6])
  })

  it('answers isMessageTypeOf as the sets do', () => {
    for (const v of OCPP_VERSIONS) {
      for (const type of [-1, 0, 1, 2, 2.5, 3, 4, 5, 6, 7, Number.NaN]) {
        assert.equal(isMessageTypeOf(v, type), messageTypesOf(v).has(type), `${v} ${type}`)
      }
    }
  })
})
