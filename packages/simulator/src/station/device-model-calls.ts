import type { v201 } from '@csms/ocpp'
import { type DeviceVariable, findVariable, hasComponent, isValidValue } from '../model/device-model.js'
import type { Station } from './station.js'

// GetVariables, SetVariables and the NotifyReport answers to GetBaseReport / GetReport (2.x).

type ComponentRef = {
  name: string
  evse?: { id: number; connectorId?: number | undefined } | undefined
  instance?: string | undefined
}
type VariableRef = { name: string; instance?: string | undefined }

function refOf(d: DeviceVariable): { component: v201.ComponentType; variable: v201.VariableType } {
  return {
    component: {
      name: d.component,
      ...(d.evseId === undefined
        ? {}
        : { evse: { id: d.evseId, ...(d.connectorId === undefined ? {} : { connectorId: d.connectorId }) } }),
    },
    variable: { name: d.variable, ...(d.instance === undefined ? {} : { instance: d.instance }) },
  }
}

function lookup(st: Station, component: ComponentRef, variable: VariableRef) {
  if (!hasComponent(st.deviceModel, component.name, component.evse?.id))
    return { status: 'UnknownComponent' as const }
  const d = findVariable(st.deviceModel, {
    component: component.name,
    evseId: component.evse?.id,
    variable: variable.name,
    instance: variable.instance,
  })
  return d ? { status: 'Accepted' as const, d } : { status: 'UnknownVariable' as const }
}

export function getVariables(st: Station, req: v201.GetVariablesRequest): v201.GetVariablesResponse {
  return {
    getVariableResult: req.getVariableData.map((item) => {
      const base = {
        component: item.component,
        variable: item.variable,
        ...(item.attributeType ? { attributeType: item.attributeType } : {}),
      }
      if (item.attributeType && item.attributeType !== 'Actual')
        return { ...base, attributeStatus: 'NotSupportedAttributeType' }
      const found = lookup(st, item.component, item.variable)
      if (found.status !== 'Accepted') return { ...base, attributeStatus: found.status }
      return { ...base, attributeStatus: 'Accepted', attributeValue: found.d.value }
    }),
  }
}

export function setVariables(st: Station, req: v201.SetVariablesRequest): v201.SetVariablesResponse {
  return {
    setVariableResult: req.setVariableData.map((item) => {
      const base = {
        component: item.component,
        variable: item.variable,
        ...(item.attributeType ? { attributeType: item.attributeType } : {}),
      }
      if (item.attributeType && item.attributeType !== 'Actual')
        return { ...base, attributeStatus: 'NotSupportedAttributeType' }
      const found = lookup(st, item.component, item.variable)
      if (found.status !== 'Accepted') return { ...base, attributeStatus: found.status }
      const d = found.d
      if (d.mutability === 'ReadOnly' || !isValidValue(d, item.attributeValue))
        return { ...base, attributeStatus: 'Rejected' }
      applyVariable(st, d, item.attributeValue)
      return { ...base, attributeStatus: 'Accepted' }
    }),
  }
}

/** Stores a new value and makes it take effect (heartbeat and sampling intervals). */
export function applyVariable(st: Station, d: DeviceVariable, value: string): void {
  d.value = value
  if (d.variable === 'HeartbeatInterval') st.setHeartbeatInterval(Math.max(1, Number(value)))
  if (d.variable === 'TxUpdatedInterval') st.meterIntervalS = Math.max(1, Number(value))
}

function reportData(d: DeviceVariable): v201.ReportDataType {
  return {
    ...refOf(d),
    variableAttribute: [
      { type: 'Actual', value: d.value, mutability: d.mutability, persistent: true, constant: false },
    ],
    variableCharacteristics: {
      dataType: d.dataType,
      supportsMonitoring: false,
      ...(d.unit ? { unit: d.unit } : {}),
    },
  }
}

export function baseReportItems(st: Station, base: v201.ReportBaseEnumType): DeviceVariable[] {
  if (base === 'ConfigurationInventory') return st.deviceModel.filter((d) => d.mutability === 'ReadWrite')
  if (base === 'SummaryInventory') return st.deviceModel.filter((d) => d.variable === 'AvailabilityState')
  return st.deviceModel
}

export function reportItems(st: Station, req: v201.GetReportRequest): DeviceVariable[] {
  if (req.componentCriteria?.length === 1 && req.componentCriteria[0] === 'Problem') return []
  if (!req.componentVariable?.length) return st.deviceModel
  return st.deviceModel.filter((d) =>
    req.componentVariable?.some(
      (cv) =>
        cv.component.name === d.component &&
        (cv.component.evse === undefined || cv.component.evse.id === d.evseId) &&
        (cv.variable === undefined ||
          (cv.variable.name === d.variable && (cv.variable.instance ?? undefined) === d.instance)),
    ),
  )
}

/** NotifyReport in parts of ItemsPerMessage, `tbc` on all but the last. */
export async function sendReport(
  st: Station,
  requestId: number,
  items: readonly DeviceVariable[],
): Promise<void> {
  const per = 20
  const generatedAt = new Date().toISOString()
  for (let seqNo = 0; seqNo * per < items.length; seqNo++) {
    const part = items.slice(seqNo * per, (seqNo + 1) * per)
    const last = (seqNo + 1) * per >= items.length
    const outcome = await st.send('NotifyReport', {
      requestId,
      generatedAt,
      seqNo,
      ...(last ? {} : { tbc: true }),
      reportData: part.map(reportData),
    })
    if (!outcome.ok) return
  }
}
