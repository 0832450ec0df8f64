import { AppError, type CommandRecorder, callStation, isAppError, type OcppReply } from '@csms/bus'
import { type OcppVersion, validateRequest, versionOfSubprotocol } from '@csms/ocpp'
import type { NatsConnection } from '@nats-io/nats-core'
import type { StationRepo } from '../repo/station-repo.js'

/** The station answered, or it could not: not connected, or silent until the timeout. */
export type CallOutcome =
  | { ok: true; reply: OcppReply }
  | { ok: false; status: 'StationOffline' | 'NoResponse'; message: string }

export type StationCaller = ReturnType<typeof createStationCaller>

/**
 * Calls that device-management itself starts (jobs, campaigns, a boot trigger): the payload is
 * checked against the station's protocol version before anything is stored or sent, and a
 * station that cannot be reached is an outcome, not an exception.
 */
export function createStationCaller(deps: {
  nc: NatsConnection
  stations: StationRepo
  defaultTimeoutMs: number
  record?: CommandRecorder
}) {
  return {
    /** The version the station last spoke; unknown or never-connected stations are refused. */
    async versionOf(stationId: string): Promise<OcppVersion> {
      const station = await deps.stations.get(stationId)
      if (!station) throw new AppError('not_found', `station ${stationId} is not known`)
      const version = station.protocol ? versionOfSubprotocol(station.protocol) : undefined
      if (!version) throw new AppError('station_offline', `station ${stationId} has never connected`)
      return version
    },

    check(version: OcppVersion, action: string, payload: unknown): unknown {
      const checked = validateRequest(version, action, payload)
      if (!checked.ok)
        throw new AppError('invalid_input', checked.error.description, { details: checked.error })
      return checked.value
    },

    /** Sends the CALL; with `record`, the answer updates the stored model like an operator's command. */
    async call(req: {
      stationId: string
      version: OcppVersion
      action: string
      payload: unknown
      timeoutMs?: number | undefined
      record?: boolean
    }): Promise<CallOutcome> {
      const payload = this.check(req.version, req.action, req.payload)
      const timeoutMs = req.timeoutMs ?? deps.defaultTimeoutMs
      let reply: OcppReply
      try {
        reply = await callStation(deps.nc, {
          stationId: req.stationId,
          action: req.action,
          payload,
          timeoutMs,
        })
      } catch (error) {
        if (isAppError(error) && error.code === 'station_offline')
          return { ok: false, status: 'StationOffline', message: error.message }
        if (isAppError(error) && error.code === 'timeout')
          return { ok: false, status: 'NoResponse', message: error.message }
        throw error
      }
      if (req.record && deps.record) {
        await deps.record(
          { stationId: req.stationId, version: req.version, action: req.action, payload, timeoutMs },
          reply,
        )
      }
      return { ok: true, reply }
    },
  }
}
