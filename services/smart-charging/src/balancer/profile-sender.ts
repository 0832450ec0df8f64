import { callStation, isAppError } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { NatsConnection } from '@nats-io/nats-core'
import { type BalancerProfileIds, txProfileCall } from './profile-builder.js'
import type { ProfileSend, SendOutcome } from './rebalancer.js'
import type { StationDirectory } from './station-directory.js'

/** Sends an EVSE's share as a TxProfile and reduces the station's answer to what the balancer needs. */
export function createProfileSender(deps: {
  nc: NatsConnection
  directory: StationDirectory
  ids: BalancerProfileIds
  timeoutMs: number
}) {
  async function versionOf(stationId: string): Promise<OcppVersion> {
    return (await deps.directory.get(stationId))?.version ?? 'v201'
  }

  async function send(s: ProfileSend): Promise<SendOutcome> {
    const e = s.evse
    const call = txProfileCall(await versionOf(e.stationId), deps.ids, e, { watts: s.toW, amps: s.amps })
    if (!call) return 'rejected'
    try {
      const reply = await callStation(deps.nc, {
        stationId: e.stationId,
        action: call.action,
        payload: call.payload,
        timeoutMs: deps.timeoutMs,
      })
      if (!reply.ok) return 'rejected'
      return (reply.payload as { status?: string }).status === 'Accepted' ? 'accepted' : 'rejected'
    } catch (error) {
      // Offline: nothing reached the station, its last limit holds. Timeout: either may hold.
      if (isAppError(error) && error.code === 'station_offline') return 'rejected'
      return 'failed'
    }
  }

  return { send, versionOf }
}
