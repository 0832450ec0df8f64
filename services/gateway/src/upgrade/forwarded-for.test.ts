import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientAddress, normalizeAddress } from './forwarded-for.js'

const proxies = new Set(['10.0.0.1', '10.0.0.2'])

describe('client address behind proxies', () => {
  it('is the peer itself when the peer is not a trusted proxy, whatever it forwards', () => {
    assert.deepEqual(clientAddress('192.0.2.7', '198.51.100.1', proxies), {
      address: '192.0.2.7',
      viaProxy: false,
    })
  })

  it('is the rightmost untrusted X-Forwarded-For entry, so a forged left part is ignored', () => {
    assert.deepEqual(clientAddress('10.0.0.1', '6.6.6.6, 192.0.2.7', proxies), {
      address: '192.0.2.7',
      viaProxy: true,
    })
    assert.deepEqual(clientAddress('10.0.0.1', '192.0.2.7, 10.0.0.2', proxies), {
      address: '192.0.2.7',
      viaProxy: true,
    })
  })

  it('is unknown when a trusted proxy forwards no address', () => {
    assert.deepEqual(clientAddress('10.0.0.1', '', proxies), { address: undefined, viaProxy: true })
  })

  it('reads IPv4-mapped IPv6 addresses as IPv4', () => {
    assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1')
    assert.equal(normalizeAddress('::1'), '::1')
  })
})
