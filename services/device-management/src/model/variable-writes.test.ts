import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { changeConfigurationWrites, reportWrites, setResultWrites } from './variable-writes.js'

describe('variable writes', () => {
  it('stores every attribute of a reported variable with its characteristics and defaults', () => {
    const [w] = reportWrites([
      {
        component: { name: 'EVSE', evse: { id: 1 } },
        variable: { name: 'Power' },
        variableAttribute: [{ value: '22000' }, { type: 'MaxSet', value: '22000', mutability: 'ReadOnly' }],
        variableCharacteristics: { dataType: 'decimal', unit: 'W', supportsMonitoring: true },
      },
    ])
    assert.equal(w?.key.evseId, 1)
    assert.equal(w?.characteristics?.unit, 'W')
    assert.deepEqual(
      w?.attributes.map((a) => [a.type, a.value, a.mutability]),
      [
        ['Actual', '22000', 'ReadWrite'],
        ['MaxSet', '22000', 'ReadOnly'],
      ],
    )
  })

  it('keeps the stored value when the station rejects a SetVariables and stores it when accepted', () => {
    const data = [
      { component: { name: 'A' }, variable: { name: 'x' }, attributeValue: '1' },
      {
        component: { name: 'B' },
        variable: { name: 'y' },
        attributeType: 'Target' as const,
        attributeValue: '2',
      },
    ]
    const writes = setResultWrites(data, [
      {
        component: { name: 'B' },
        variable: { name: 'y' },
        attributeType: 'Target',
        attributeStatus: 'RebootRequired',
      },
      { component: { name: 'A' }, variable: { name: 'x' }, attributeStatus: 'Rejected' },
    ])
    assert.deepEqual(
      writes.map((w) => [
        w.key.component,
        w.attributes[0]?.type,
        w.attributes[0]?.value,
        w.attributes[0]?.lastSetStatus,
      ]),
      [
        ['B', 'Target', '2', 'RebootRequired'],
        ['A', 'Actual', undefined, 'Rejected'],
      ],
    )
  })

  it('maps a 1.6 ChangeConfiguration onto the configuration component', () => {
    const [w] = changeConfigurationWrites('HeartbeatInterval', '60', 'Accepted')
    assert.equal(w?.key.component, 'OCPP16Configuration')
    assert.equal(w?.attributes[0]?.value, '60')
  })
})
