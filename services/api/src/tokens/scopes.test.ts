import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { grants, scopeFor } from './scopes.js'

describe('operator token scopes', () => {
  it('lets a higher scope do what a lower one may', () => {
    assert.equal(grants(['admin'], 'read'), true)
    assert.equal(grants(['command'], 'read'), true)
    assert.equal(grants(['command'], 'admin'), false)
    assert.equal(grants(['read'], 'command'), false)
    assert.equal(grants([], 'read'), false)
  })

  it('derives the needed scope from the request', () => {
    assert.equal(scopeFor('GET', '/v1/stations'), 'read')
    assert.equal(scopeFor('POST', '/v1/stations/CS-1/commands/Reset'), 'command')
    assert.equal(scopeFor('PUT', '/v1/stations/CS-1'), 'admin')
    assert.equal(scopeFor('POST', '/v1/tokens'), 'admin')
    assert.equal(scopeFor('DELETE', '/v1/stations/CS-1'), 'admin')
  })

  it('asks a remote start or stop of a session for the command scope, as a station command', () => {
    assert.equal(scopeFor('POST', '/v1/transactions'), 'command')
    assert.equal(scopeFor('POST', '/v1/transactions/1042/stop'), 'command')
    assert.equal(scopeFor('GET', '/v1/transactions/1042'), 'read')
    // Only those two: anything else under /v1/transactions or the tariffs stays admin.
    assert.equal(scopeFor('POST', '/v1/transactions/1042'), 'admin')
    assert.equal(scopeFor('POST', '/v1/transactions/1042/stop/now'), 'admin')
    assert.equal(scopeFor('PUT', '/v1/tariffs/t1'), 'admin')
    assert.equal(scopeFor('DELETE', '/v1/transactions/1042'), 'admin')
  })
})
