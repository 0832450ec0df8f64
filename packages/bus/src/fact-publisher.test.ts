import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { mentionsError } from './fact-publisher.js'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('reading a JetStream PubAck', () => {
  it('takes a stored or duplicate fact for a success without parsing it', () => {
    assert.equal(mentionsError(bytes('{"stream":"CSMS_EVENTS","seq":42}')), false)
    assert.equal(mentionsError(bytes('{"stream":"CSMS_EVENTS","seq":42,"duplicate":true}')), false)
  })

  it('sees a refusal', () => {
    const refusal = '{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}}'
    assert.equal(mentionsError(bytes(refusal)), true)
  })

  it('reads only the view it is given, not the rest of the read buffer', () => {
    const ack = '{"stream":"CSMS_EVENTS","seq":1}'
    const buffer = bytes(`${ack}{"error":{"code":500}}`)
    assert.equal(mentionsError(buffer.subarray(0, ack.length)), false)
    assert.equal(mentionsError(buffer.subarray(ack.length)), true)
  })
})
