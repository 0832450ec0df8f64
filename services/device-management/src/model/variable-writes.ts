import type { RequestOf, ResponseOf } from '@csms/ocpp'
import { variableKey } from '../domain/component-key.js'
import type { VariableWrite } from '../repo/device-model-repo.js'

// Turns what a station reported or answered about its variables into writes of the stored
// model. Pure: the handlers and the command recorder do the I/O.

type ReportData = NonNullable<RequestOf<'v201', 'NotifyReport'>['reportData']>[number]
type GetResult = ResponseOf<'v201', 'GetVariables'>['getVariableResult'][number]
type SetData = RequestOf<'v201', 'SetVariables'>['setVariableData'][number]
type SetResult = ResponseOf<'v201', 'SetVariables'>['setVariableResult'][number]
type ConfigurationKey = NonNullable<ResponseOf<'v16', 'GetConfiguration'>['configurationKey']>[number]
type EventData = RequestOf<'v201', 'NotifyEvent'>['eventData'][number]

/** 1.6 configuration keys live in the model as variables of this component. */
export const OCPP16_COMPONENT = 'OCPP16Configuration'

export function reportWrites(reportData: readonly ReportData[]): VariableWrite[] {
  return reportData.map((r) => ({
    key: variableKey(r.component, r.variable),
    characteristics: r.variableCharacteristics,
    attributes: r.variableAttribute.map((a) => ({
      type: a.type ?? 'Actual',
      value: a.value,
      mutability: a.mutability ?? 'ReadWrite',
      persistent: a.persistent ?? false,
      constant: a.constant ?? false,
      source: 'report',
    })),
  }))
}

/** Accepted GetVariables results carry the value the station holds now. */
export function getResultWrites(results: readonly GetResult[]): VariableWrite[] {
  return results
    .filter((r) => r.attributeStatus === 'Accepted')
    .map((r) => ({
      key: variableKey(r.component, r.variable),
      attributes: [{ type: r.attributeType ?? 'Actual', value: r.attributeValue, source: 'get' }],
    }))
}

const sameTarget = (
  a: { component: SetData['component']; variable: SetData['variable']; attributeType?: string | undefined },
  b: typeof a,
) =>
  JSON.stringify([variableKey(a.component, a.variable), a.attributeType ?? 'Actual']) ===
  JSON.stringify([variableKey(b.component, b.variable), b.attributeType ?? 'Actual'])

/**
 * SetVariables: an Accepted (or RebootRequired) result stores the value that was sent; any
 * other answer only records itself as the attribute's last set status.
 */
export function setResultWrites(data: readonly SetData[], results: readonly SetResult[]): VariableWrite[] {
  return results.map((r) => {
    const sent = data.find((d) => sameTarget(d, r))
    const applied = r.attributeStatus === 'Accepted' || r.attributeStatus === 'RebootRequired'
    return {
      key: variableKey(r.component, r.variable),
      attributes: [
        {
          type: r.attributeType ?? 'Actual',
          ...(applied && sent ? { value: sent.attributeValue } : {}),
          lastSetStatus: r.attributeStatus,
          source: 'set',
        },
      ],
    }
  })
}

export function configurationWrites(keys: readonly ConfigurationKey[]): VariableWrite[] {
  return keys.map((k) => ({
    key: variableKey({ name: OCPP16_COMPONENT }, { name: k.key }),
    attributes: [
      {
        type: 'Actual',
        value: k.value,
        mutability: k.readonly ? 'ReadOnly' : 'ReadWrite',
        source: 'config16',
      },
    ],
  }))
}

export function changeConfigurationWrites(key: string, value: string, status: string): VariableWrite[] {
  const applied = status === 'Accepted' || status === 'RebootRequired'
  return [
    {
      key: variableKey({ name: OCPP16_COMPONENT }, { name: key }),
      attributes: [
        { type: 'Actual', ...(applied ? { value } : {}), lastSetStatus: status, source: 'config16' },
      ],
    },
  ]
}

/** A NotifyEvent's actualValue is the variable's Actual value at that moment. */
export function eventWrites(events: readonly EventData[]): VariableWrite[] {
  return events.map((e) => ({
    key: variableKey(e.component, e.variable),
    attributes: [{ type: 'Actual', value: e.actualValue, source: 'event' }],
  }))
}
