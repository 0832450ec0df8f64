import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  encodeCall,
  encodeCallError,
  encodeCallResult,
  encodeCallResultError,
  encodeCallResultJson,
  encodeSend,
} from './encode-frame.js'
import { parseFrame } from './parse-frame.js'

describe('encode frames', () => {
  it('writes each message type as its OCPP-J array', () => {
    assert.equal(encodeCall('m1', 'Reset', { type: 'Immediate' }), '[2,"m1","Reset",{"type":"Immediate"}]')
    assert.equal(encodeCallResult('m1', { status: 'Accepted' }), '[3,"m1",{"status":"Accepted"}]')
    const payload = { status: 'Accepted', text: 'é "q" ☃' }
    assert.equal(encodeCallResultJson('m"1', JSON.stringify(payload)), encodeCallResult('m"1', payload))
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

  it('E1 never cuts a character in two, and writes a lone surrogate from the station as U+FFFD', () => {
    const emoji = '\u{1F600}'
    const cut = encodeCallError('a1', 'GenericError', `${'x'.repeat(253)}${emoji}${'y'.repeat(10)}`)
    assert.ok(!/\\ud83d/.test(cut), cut.slice(-30))
    assert.equal((JSON.parse(cut) as string[])[3], `${'x'.repeat(253)}${emoji}…`)
    const lone = encodeCallResultError('a1', 'NotImplemented', '\ud800Reset is not a CALL \udc00')
    assert.equal((JSON.parse(lone) as string[])[3], '\ufffdReset is not a CALL \ufffd')
    assert.ok(!/\\ud[89a-f]/.test(lone), lone)
  })

  it('E1 counts the 255 characters of a description in code points', () => {
    const emoji = '\u{1F600}'
    const frame = JSON.parse(encodeCallError('a1', 'GenericError', emoji.repeat(255))) as string[]
    assert.equal(frame[3], emoji.repeat(255))
  })

  it('E3 writes errorDetails as a JSON object whatever it is given', () => {
    assert.equal(encodeCallError('a1', 'GenericError', 'd', [1, 2]), '[4,"a1","GenericError","d",{}]')
    assert.equal(encodeCallError('a1', 'GenericError', 'd', 'text'), '[4,"a1","GenericError","d",{}]')
    assert.equal(encodeCallResultError('a1', 'GenericError', 'd', 7), '[5,"a1","GenericError","d",{}]')
    assert.equal(encodeCallError('a1', 'GenericError', 'd', null), '[4,"a1","GenericError","d",{}]')
  })

  it('E2 refuses to write a message id longer than 36 characters', () => {
    assert.throws(() => encodeCall('x'.repeat(37), 'Reset', {}), RangeError)
    assert.throws(() => encodeCallResult('x'.repeat(37), {}), RangeError)
    assert.throws(() => encodeCallError('\u{1F600}'.repeat(37), 'GenericError', ''), RangeError)
  })

  it('E2 counts a message id in characters: 36 emoji are a valid id', () => {
    const id = '\u{1F600}'.repeat(36)
    assert.equal(encodeCallResult(id, {}), `[3,"${id}",{}]`)
  })

  it('writes frames parseFrame reads back unchanged', () => {
    const raw = encodeCall('abc', 'BootNotification', { reason: 'PowerUp' })
    assert.deepEqual(parseFrame('v201', raw), {
      ok: true,
      frame: { type: 2, id: 'abc', action: 'BootNotification', payload: { reason: 'PowerUp' } },
    })
  })
})
