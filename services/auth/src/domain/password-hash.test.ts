import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hashPassword, verifyPassword } from './password-hash.js'

describe('station password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery')
    assert.equal(await verifyPassword('correct horse battery', stored), true)
    assert.equal(await verifyPassword('correct horse batterY', stored), false)
  })

  it('never stores the password itself and salts every hash', async () => {
    const a = await hashPassword('same-password-123456')
    const b = await hashPassword('same-password-123456')
    assert.doesNotMatch(a, /same-password/)
    assert.notEqual(a, b)
  })

  it('refuses a malformed stored hash instead of throwing', async () => {
    assert.equal(await verifyPassword('x', 'md5$abc'), false)
  })
})
