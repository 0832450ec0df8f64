import type { OcppVersion } from '@csms/ocpp'
import { encodeStationId } from './station-token.js'

// Every NATS subject and stream name of ARCHITECTURE.md, built here and nowhere else.

/** Station-initiated CALL, answered by the service that owns the action. */
export function ocppInSubject(version: OcppVersion, action: string, stationId: string): string {
  return `ocpp.in.${version}.${action}.${encodeStationId(stationId)}`
}

/** What an owning service subscribes to (with its queue group) for one action. */
export function ocppInPattern(version: OcppVersion, action: string): string {
  return `ocpp.in.${version}.${action}.*`
}

/** CSMS-initiated CALL towards a station, answered by the gateway pod holding its socket. */
export function ocppOutSubject(stationId: string, action: string): string {
  return `ocpp.out.${encodeStationId(stationId)}.${action}`
}

/** What a gateway subscribes to while a station's socket is open. */
export function ocppOutPattern(stationId: string): string {
  return `ocpp.out.${encodeStationId(stationId)}.>`
}

/** Published by the pod that accepted a station, so that any older socket elsewhere closes. */
export function kickSubject(stationId: string): string {
  return `gw.kick.${encodeStationId(stationId)}`
}

/**
 * Published by the auth service (core NATS, after the database commit) when a station's
 * credentials, required security profile or registration change or are removed: every gateway
 * pod drops the admissions it cached for that station. Pods subscribe to `gw.credentials.*`.
 */
export function credentialsChangedSubject(stationId: string): string {
  return `gw.credentials.${encodeStationId(stationId)}`
}

/** Liveness beacons of gateway pods: stations of a silent pod are offline. */
export const GATEWAY_HEARTBEAT_SUBJECT = 'gw.heartbeat'

/** Internal request/reply between services (not OCPP): `svc.<service>.<operation>`. */
export function serviceSubject(service: ServiceName, operation: string): string {
  return `svc.${service}.${operation}`
}

export const SERVICE_NAMES = [
  'gateway',
  'api',
  'auth',
  'transaction',
  'device-management',
  'smart-charging',
  'v2g',
] as const
export type ServiceName = (typeof SERVICE_NAMES)[number]

/** Readiness probe answered by every replica of a service. */
export function pingSubject(service: ServiceName): string {
  return serviceSubject(service, 'ping')
}

/** JetStream stream of domain events, durable fan-out. */
export const EVENTS_STREAM = 'CSMS_EVENTS'
export const EVENTS_SUBJECTS = 'evt.>'

export function eventSubject(domain: string, event: string, stationId?: string): string {
  return stationId === undefined
    ? `evt.${domain}.${event}`
    : `evt.${domain}.${event}.${encodeStationId(stationId)}`
}

/** JetStream stream of every OCPP frame in and out, with bounded retention. */
export const MESSAGE_LOG_STREAM = 'OCPP_MESSAGES'
/** The message log's subject for one station (the gateway's entries, both directions). */
export function messageLogSubject(stationId: string): string {
  return `log.ocpp.${encodeStationId(stationId)}`
}
