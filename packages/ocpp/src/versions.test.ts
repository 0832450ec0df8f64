import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SUBPROTOCOL_PREFERENCE, subprotocolOf, versionOfSubprotocol } from './versions.js'

describe('versions', () => {
  it('maps each WebSocket subprotocol to its version and back', () => {
    for (const p of SUBPROTOCOL_PREFERENCE) {
      const v = versionOfSubprotocol(p)
      assert.ok(v, p)
      assert.equal(subprotocolOf(v), p)
    }
    assert.deepEqual(SUBPROTOCOL_PREFERENCE, ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'])
  })

  it('knows no other subprotocol, and compares exactly', () => {
    for (const p of ['ocpp2.0', 'OCPP1.6', 'ocpp1.5', '', 'constructor'])
      assert.equal(versionOfSubprotocol(p), undefined, p)
  })
})
