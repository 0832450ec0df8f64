import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { componentRef, keyString, variableKey, variableRef } from './component-key.js'

describe('component variable identity', () => {
  it('fills absent instance, EVSE and connector with sentinels and maps them back', () => {
    const key = variableKey({ name: 'Connector', evse: { id: 2, connectorId: 1 } }, { name: 'Enabled' })
    assert.deepEqual(key, {
      component: 'Connector',
      componentInstance: '',
      evseId: 2,
      connectorId: 1,
      variable: 'Enabled',
      variableInstance: '',
    })
    assert.deepEqual(componentRef(key), { name: 'Connector', evse: { id: 2, connectorId: 1 } })
    assert.deepEqual(variableRef(key), { name: 'Enabled' })
  })

  it('tells apart the same variable on another EVSE or instance', () => {
    const a = keyString(variableKey({ name: 'EVSE', evse: { id: 1 } }, { name: 'Power', instance: 'max' }))
    const b = keyString(variableKey({ name: 'EVSE', evse: { id: 2 } }, { name: 'Power', instance: 'max' }))
    const c = keyString(variableKey({ name: 'EVSE', evse: { id: 1 } }, { name: 'Power' }))
    assert.equal(new Set([a, b, c]).size, 3)
  })

  it('keeps an EVSE without connector as an EVSE-level component', () => {
    assert.deepEqual(componentRef(variableKey({ name: 'EVSE', evse: { id: 3 } }, { name: 'X' })), {
      name: 'EVSE',
      evse: { id: 3 },
    })
  })
})
