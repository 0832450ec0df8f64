import type { ComponentRef, VariableRef } from '@csms/bus'

/**
 * The stored identity of a component variable. OCPP leaves instance, EVSE and connector out
 * when they do not apply; the store writes '' and 0 (OCPP numbers EVSEs and connectors from 1)
 * so that the identity is a plain unique key.
 */
export type VariableKey = {
  component: string
  componentInstance: string
  evseId: number
  connectorId: number
  variable: string
  variableInstance: string
}

type OcppComponent = {
  name: string
  instance?: string | undefined
  evse?: { id: number; connectorId?: number | undefined } | undefined
}
type OcppVariable = { name: string; instance?: string | undefined }

export function variableKey(component: OcppComponent, variable: OcppVariable): VariableKey {
  return {
    component: component.name,
    componentInstance: component.instance ?? '',
    evseId: component.evse?.id ?? 0,
    connectorId: component.evse?.connectorId ?? 0,
    variable: variable.name,
    variableInstance: variable.instance ?? '',
  }
}

/** One string per identity, for matching rows with the entries of a message. */
export function keyString(k: VariableKey): string {
  return JSON.stringify([
    k.component,
    k.componentInstance,
    k.evseId,
    k.connectorId,
    k.variable,
    k.variableInstance,
  ])
}

export function componentRef(
  k: Pick<VariableKey, 'component' | 'componentInstance' | 'evseId' | 'connectorId'>,
): ComponentRef {
  const ref: ComponentRef = { name: k.component }
  if (k.componentInstance !== '') ref.instance = k.componentInstance
  if (k.evseId !== 0)
    ref.evse = k.connectorId === 0 ? { id: k.evseId } : { id: k.evseId, connectorId: k.connectorId }
  return ref
}

export function variableRef(k: Pick<VariableKey, 'variable' | 'variableInstance'>): VariableRef {
  return k.variableInstance === '' ? { name: k.variable } : { name: k.variable, instance: k.variableInstance }
}

/** A component or variable as OCPP sent it, without customData, for storing as JSON. */
export function cleanComponent(c: OcppComponent): ComponentRef {
  return componentRef(variableKey(c, { name: '' }))
}

export function cleanVariable(v: OcppVariable): VariableRef {
  return variableRef(variableKey({ name: '' }, v))
}
