import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  encodeCall,
  encodeCallError,
  encodeCallResult,
  encodeCallResultError,
  encodeSend,
} from './encode-frame.js'
import { parseFrame } from './parse-frame.js'

describe('encode frames', () => {
  it('writes each message type as its OCPP-J array', () => {
    assert.equal(encodeCall('m1', 'Reset', { type: 'Immediate' }), '[2,"m1","Reset",{"type":"Immediate"}]')
    assert.equal(encodeCallResult('m1', { status: 'Accepted' }), '[3,"m1",{"status":"Accepted"}]')
    assert.equal(encodeCallError('m1', 'NotSupported', 'no'), '[4,"m1","NotSupported","no",{}]')
    assert.equal(
      encodeCallResultError('m1', 'FormatViolation', 'bad', { path: '/a' }),
      '[5,"m1","FormatViolation","bad",{"path":"/a"}]',
    )
    assert.equal(encodeSend('m1', 'NotifyPeriodicEventStream', {}), '[6,"m1","NotifyPeriodicEventStream",{}]')
  })

  it('E1 cuts an error description to the 255 characters 2.x allows', () => {
    const frame = JSON.parse(encodeCallError('-1', 'RpcFrameworkError', 'x'.repeat(400))) as unknown[]
    assert.equal((frame[3] as string).length, 255)
  })

  it('E2 refuses to write a message id longer than 36 characters', () => {
    assert.throws(() => encodeCall('x'.repeat(37), 'Reset', {}), RangeError)
    assert.throws(() => encodeCallResult('x'.repeat(37), {}), RangeError)
  })

  it('writes frames parseFrame reads back unchanged', () => {
    const raw = encodeCall('abc', 'BootNotification', { reason: 'PowerUp' })
    assert.deepEqual(parseFrame('v201', raw), {
      ok: true,
      frame: { type: 2, id: 'abc', action: 'BootNotification', payload: { reason: 'PowerUp' } },
    })
  })
})
