import { callStation, isAppError } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import type { ProfileRepo } from '../repo/profile-repo.js'
import type { SessionRepo } from '../repo/session-repo.js'
import {
  type BalancerProfileIds,
  type BalancerProfileRef,
  clearProfilePayload,
  txDefaultProfileId,
  txProfileId,
} from './profile-builder.js'

/**
 * Takes the balancer's profiles off a station that is in no balanced site any more: its
 * TxDefaultProfile (0 A by default: it would hold every later transaction there) and the
 * TxProfiles of its transactions. A profile the station did not clear stays stored as
 * installed, so the station's next connection or placement tries again.
 */
export function createProfileRemover(deps: {
  nc: NatsConnection
  profiles: ProfileRepo
  sessions: Pick<SessionRepo, 'forgetProfile'>
  ids: BalancerProfileIds
  logger: Logger
  timeoutMs: number
  versionOf(stationId: string): Promise<OcppVersion>
}) {
  /** What the station may hold of the balancer's, as stored; `sentTo`: EVSEs a cycle may still be recording. */
  async function held(stationId: string, sentTo: readonly number[]): Promise<BalancerProfileRef[]> {
    const [stored, station] = await Promise.all([
      deps.profiles.list(stationId),
      deps.profiles.stationDefault(stationId),
    ])
    const mine = stored.filter((r) => r.source === 'balancer' && r.status === 'Accepted')
    const out = new Map<number, BalancerProfileRef>()
    // A default whose SetChargingProfile was not answered may be installed all the same.
    if ((station && station.status !== 'Cleared') || mine.some((r) => r.purpose === 'TxDefaultProfile')) {
      const profileId = txDefaultProfileId(deps.ids)
      out.set(profileId, { profileId, evseId: 0, purpose: 'TxDefaultProfile' })
    }
    for (const r of mine)
      if (r.purpose === 'TxProfile')
        out.set(r.profileId, { profileId: r.profileId, evseId: r.evseId, purpose: 'TxProfile' })
    for (const evseId of sentTo) {
      const profileId = txProfileId(deps.ids, evseId)
      out.set(profileId, { profileId, evseId, purpose: 'TxProfile' })
    }
    return [...out.values()]
  }

  /** The station's answer; Accepted or Unknown (it does not hold that profile): it is gone. */
  async function clear(stationId: string, version: OcppVersion, p: BalancerProfileRef): Promise<string> {
    let status: string
    try {
      const reply = await callStation(deps.nc, {
        stationId,
        action: 'ClearChargingProfile',
        payload: clearProfilePayload(version, deps.ids, p),
        timeoutMs: deps.timeoutMs,
      })
      status = reply.ok ? String((reply.payload as { status?: string }).status) : `CallError:${reply.code}`
    } catch (error) {
      status = isAppError(error) ? `Failed:${error.code}` : 'Failed'
    }
    if (status !== 'Accepted' && status !== 'Unknown') {
      deps.logger.warn({ stationId, profileId: p.profileId, status }, "the station kept a balancer's profile")
      return status
    }
    await deps.profiles.markCleared(stationId, { chargingProfileId: p.profileId })
    if (p.purpose === 'TxDefaultProfile') await deps.profiles.forgetStationDefault(stationId)
    else await deps.sessions.forgetProfile(stationId, p.evseId)
    return status
  }

  return {
    /** Returns the EVSEs whose TxProfile the station cleared. */
    async remove(stationId: string, sentTo: readonly number[] = []): Promise<number[]> {
      const profiles = await held(stationId, sentTo)
      const cleared: number[] = []
      if (profiles.length === 0) return cleared
      const version = await deps.versionOf(stationId)
      for (const p of profiles) {
        const status = await clear(stationId, version, p)
        // Offline or silent: it will not answer the others either; they wait for its connection.
        if (status.startsWith('Failed')) break
        if (p.purpose === 'TxProfile' && (status === 'Accepted' || status === 'Unknown'))
          cleared.push(p.evseId)
      }
      return cleared
    },
  }
}
