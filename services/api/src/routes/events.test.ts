import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { eventFilter, matchesType } from './events.js'

describe('event stream filters', () => {
  it('narrows the JetStream subject by domain, event and station', () => {
    assert.equal(eventFilter(undefined, undefined), 'evt.>')
    assert.equal(eventFilter('transaction', undefined), 'evt.transaction.>')
    assert.equal(eventFilter('transaction.started', undefined), 'evt.transaction.>')
    assert.equal(eventFilter(undefined, 'CS.1'), 'evt.*.*.CS~2E1')
    assert.equal(eventFilter('station.connected', 'CS-1'), 'evt.station.connected.CS-1')
  })

  it('keeps only the asked event type', () => {
    assert.equal(matchesType('evt.transaction.started.X', 'transaction.started'), true)
    assert.equal(matchesType('evt.transaction.ended.X', 'transaction.started'), false)
    assert.equal(matchesType('evt.transaction.ended', 'transaction'), true)
  })
})
