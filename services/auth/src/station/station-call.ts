import { callRpc, callStation, getStationRpc, isAppError } from '@csms/bus'
import { type OcppVersion, versionOfSubprotocol } from '@csms/ocpp'
import type { NatsConnection } from '@nats-io/nats-core'
import type { StationAuthRepo } from '../repo/station-auth-repo.js'

/** How a CSMS-initiated call ended, without throwing: callers record and report it. */
export type CallOutcome =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; outcome: 'Offline' | 'Timeout' | 'Error'; detail: string }

export type StationCaller = (stationId: string, action: string, payload: unknown) => Promise<CallOutcome>

export function createStationCaller(nc: NatsConnection, timeoutMs: number): StationCaller {
  return async (stationId, action, payload) => {
    try {
      const reply = await callStation(nc, { stationId, action, payload, timeoutMs })
      if (reply.ok) return { ok: true, payload: (reply.payload ?? {}) as Record<string, unknown> }
      return { ok: false, outcome: 'Error', detail: `CALLERROR ${reply.code}: ${reply.description}` }
    } catch (error) {
      if (isAppError(error) && error.code === 'station_offline')
        return { ok: false, outcome: 'Offline', detail: error.message }
      if (isAppError(error) && error.code === 'timeout')
        return { ok: false, outcome: 'Timeout', detail: error.message }
      return { ok: false, outcome: 'Error', detail: (error as Error).message }
    }
  }
}

export type ProtocolResolver = (stationId: string) => Promise<OcppVersion | undefined>

/**
 * The protocol a station speaks: from the gateway's station.connected facts that auth records,
 * else from device-management's station registry (over NATS, never its tables).
 */
export function createProtocolResolver(nc: NatsConnection, stations: StationAuthRepo): ProtocolResolver {
  return async (stationId) => {
    const recorded = await stations.protocol(stationId)
    const version = recorded ? versionOfSubprotocol(recorded) : undefined
    if (version) return version
    try {
      const { station } = await callRpc(nc, getStationRpc, { stationId }, { timeoutMs: 2_000 })
      return station?.protocol ? versionOfSubprotocol(station.protocol) : undefined
    } catch {
      return undefined
    }
  }
}
