import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeStationId, encodeStationId } from './station-token.js'

describe('station id subject token', () => {
  it('keeps plain OCPP identities readable', () => {
    assert.equal(encodeStationId('CS-0001_a=b:c+d|e@f'), 'CS-0001_a=b:c+d|e@f')
  })

  it('encodes the characters NATS reserves in subjects', () => {
    const token = encodeStationId('site.1*>x y~z')
    assert.doesNotMatch(token, /[.*> \t]/)
    assert.equal(token, 'site~2E1~2A~3Ex~20y~7Ez')
  })

  it('round-trips every identity, unicode included', () => {
    const ids = ['a', 'A.B.C', '***', '>', '~', '~2E', 'Ladesäule-7', '充电桩.1', 'x'.repeat(48), '']
    for (const id of ids) assert.equal(decodeStationId(encodeStationId(id)), id)
  })

  it('gives different identities different tokens', () => {
    const ids = ['a.b', 'a~2Eb', 'a*b', 'a_b', 'A.b']
    const tokens = new Set(ids.map(encodeStationId))
    assert.equal(tokens.size, ids.length)
  })
})
