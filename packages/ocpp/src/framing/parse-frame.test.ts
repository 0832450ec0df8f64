import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OcppVersion } from '../versions.js'
import type { FrameError } from './frame.js'
import { parseFrame } from './parse-frame.js'

function failure(v: OcppVersion, raw: string): FrameError {
  const result = parseFrame(v, raw)
  if (result.ok) throw new Error(`expected ${raw} to fail in ${v}`)
  return result.error
}

/** [rule, frame, 1.6 code, 2.x code, messageId] for failures answered with a CALLERROR in every version. */
const CALL_FAILURES: [string, string, string, string, string][] = [
  ['F1 a frame that is not JSON', '[2,"a1","Heartbeat",{]', 'FormationViolation', 'RpcFrameworkError', '-1'],
  ['F2 a frame that is not an array', '{"id":"a1"}', 'FormationViolation', 'RpcFrameworkError', '-1'],
  [
    'F3 a message type that is not a number',
    '["2","a1","Heartbeat",{}]',
    'FormationViolation',
    'RpcFrameworkError',
    'a1',
  ],
  ['F3 an empty array', '[]', 'ProtocolError', 'RpcFrameworkError', '-1'],
  [
    'F5 a message id that is not a string',
    '[2,17,"Heartbeat",{}]',
    'FormationViolation',
    'RpcFrameworkError',
    '-1',
  ],
  ['F5 a CALL without a message id', '[2]', 'ProtocolError', 'RpcFrameworkError', '-1'],
  [
    'F6 a message id over 36 characters',
    `[2,"${'x'.repeat(37)}","Heartbeat",{}]`,
    'FormationViolation',
    'RpcFrameworkError',
    '-1',
  ],
  ['F7 a CALL without payload', '[2,"a1","Heartbeat"]', 'ProtocolError', 'RpcFrameworkError', 'a1'],
  [
    'F8 a CALL with a fifth element',
    '[2,"a1","Heartbeat",{},{}]',
    'FormationViolation',
    'RpcFrameworkError',
    'a1',
  ],
  [
    'F8 a CALL whose action is not a string',
    '[2,"a1",7,{}]',
    'FormationViolation',
    'RpcFrameworkError',
    'a1',
  ],
  [
    'F9 a CALL whose payload is an array',
    '[2,"a1","Heartbeat",[]]',
    'FormationViolation',
    'ProtocolError',
    'a1',
  ],
  [
    'F9 a CALL whose payload is a string',
    '[2,"a1","Heartbeat","{}"]',
    'FormationViolation',
    'ProtocolError',
    'a1',
  ],
]

describe('parseFrame', () => {
  for (const [rule, raw, v16Code, v2Code, messageId] of CALL_FAILURES) {
    it(`answers ${rule} with ${v16Code} in 1.6 and ${v2Code} in 2.0.1 and 2.1`, () => {
      for (const v of ['v16', 'v201', 'v21'] as const) {
        const error = failure(v, raw)
        assert.equal(error.code, v === 'v16' ? v16Code : v2Code, `${v} ${raw}`)
        assert.equal(error.messageId, messageId)
        assert.equal(error.respond, 'callError')
        assert.ok(error.description.length > 0)
      }
    })
  }

  it('accepts a message id of exactly 36 characters', () => {
    const id = 'f'.repeat(36)
    assert.deepEqual(parseFrame('v201', `[2,"${id}","Heartbeat",{}]`), {
      ok: true,
      frame: { type: 2, id, action: 'Heartbeat', payload: {} },
    })
  })

  it('F6 counts a message id in characters, as maxLength does: 36 emoji fit, 37 do not', () => {
    const id = '\u{1F600}'.repeat(36)
    assert.deepEqual(parseFrame('v16', JSON.stringify([2, id, 'Heartbeat', {}])), {
      ok: true,
      frame: { type: 2, id, action: 'Heartbeat', payload: {} },
    })
    assert.equal(failure('v201', JSON.stringify([2, id, 7, {}])).messageId, id)
    const tooLong = failure('v201', JSON.stringify([2, `${id}x`, 'Heartbeat', {}]))
    assert.equal(tooLong.code, 'RpcFrameworkError')
    assert.equal(tooLong.messageId, '-1')
  })

  it('F4 answers an unknown message type with MessageTypeNotSupported in 2.0.1, keeping the id', () => {
    assert.deepEqual(failure('v201', '[7,"a1","X",{}]'), {
      code: 'MessageTypeNotSupported',
      description: 'message type 7 is not supported',
      messageId: 'a1',
      respond: 'callError',
    })
  })

  it('F4 does not answer an unknown message type in 1.6 and 2.1, which say to ignore it', () => {
    const v16 = failure('v16', '[7,"a1","X",{}]')
    assert.equal(v16.respond, 'none')
    assert.equal(v16.code, 'FormationViolation')
    const v21 = failure('v21', '[7,"a1","X",{}]')
    assert.equal(v21.respond, 'none')
    assert.equal(v21.code, 'MessageTypeNotSupported')
  })

  it('F4 treats CALLRESULTERROR and SEND as unknown message types before 2.1', () => {
    assert.equal(failure('v201', '[6,"a1","NotifyPeriodicEventStream",{}]').code, 'MessageTypeNotSupported')
    assert.equal(failure('v201', '[5,"a1","GenericError","",{}]').code, 'MessageTypeNotSupported')
    assert.equal(failure('v16', '[5,"a1","GenericError","",{}]').respond, 'none')
  })

  it('F9 reads a null payload as the empty object, the other notation OCPP-J allows', () => {
    assert.deepEqual(parseFrame('v16', '[2,"a1","Heartbeat",null]'), {
      ok: true,
      frame: { type: 2, id: 'a1', action: 'Heartbeat', payload: {} },
    })
    assert.deepEqual(parseFrame('v201', '[3,"a1",null]'), {
      ok: true,
      frame: { type: 3, id: 'a1', payload: {} },
    })
  })

  it('F10 never answers a broken CALLRESULT in 1.6 and 2.0.1, and answers it with CALLRESULTERROR in 2.1', () => {
    assert.equal(failure('v16', '[3,"a1"]').respond, 'none')
    assert.equal(failure('v201', '[3,"a1",[]]').respond, 'none')
    const v21 = failure('v21', '[3,"a1",[]]')
    assert.equal(v21.respond, 'callResultError')
    assert.equal(v21.code, 'ProtocolError')
  })

  it('F10 never answers a broken CALLERROR, CALLRESULTERROR or SEND', () => {
    assert.equal(failure('v201', '[4,"a1",5,"x",{}]').respond, 'none')
    assert.equal(failure('v21', '[5,"a1","GenericError"]').respond, 'none')
    assert.equal(failure('v21', '[6,"a1","NotifyPeriodicEventStream",[]]').respond, 'none')
  })

  it('reads every message type of its version', () => {
    assert.deepEqual(parseFrame('v21', '[3,"a1",{"status":"Accepted"}]'), {
      ok: true,
      frame: { type: 3, id: 'a1', payload: { status: 'Accepted' } },
    })
    assert.deepEqual(parseFrame('v201', '[4,"a1","NotImplemented","no",{"x":1}]'), {
      ok: true,
      frame: { type: 4, id: 'a1', code: 'NotImplemented', description: 'no', details: { x: 1 } },
    })
    assert.deepEqual(parseFrame('v21', '[5,"a1","FormatViolation","bad",{}]'), {
      ok: true,
      frame: { type: 5, id: 'a1', code: 'FormatViolation', description: 'bad', details: {} },
    })
    assert.deepEqual(parseFrame('v21', '[6,"a1","NotifyPeriodicEventStream",{"id":1}]'), {
      ok: true,
      frame: { type: 6, id: 'a1', action: 'NotifyPeriodicEventStream', payload: { id: 1 } },
    })
  })

  it('F11 reads a CALLERROR without errorDetails as details {}', () => {
    assert.deepEqual(parseFrame('v16', '[4,"a1","GenericError",""]'), {
      ok: true,
      frame: { type: 4, id: 'a1', code: 'GenericError', description: '', details: {} },
    })
  })

  it('leaves unknown actions to checkIncomingAction and payloads to validateRequest', () => {
    assert.equal(parseFrame('v201', '[2,"a1","NoSuchAction",{"x":1}]').ok, true)
  })
})
