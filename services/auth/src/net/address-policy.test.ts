import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isPublicAddress } from './address-policy.js'

describe('public address policy', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast and mapped private addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      assert.equal(isPublicAddress(ip), false, ip)
    }
  })

  it('allows public addresses', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(isPublicAddress(ip), true, ip)
    }
  })
})
