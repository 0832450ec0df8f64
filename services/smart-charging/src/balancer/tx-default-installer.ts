import { callStation, isAppError } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import type { ProfileRepo } from '../repo/profile-repo.js'
import { type BalancerProfileIds, txDefaultCall } from './profile-builder.js'

/**
 * The TxDefaultProfile every station of a balanced site holds (default 0 A): a transaction that
 * starts draws nothing until its share arrives, so nothing draws power that was not allocated.
 */
export function createTxDefaultInstaller(deps: {
  nc: NatsConnection
  profiles: ProfileRepo
  ids: BalancerProfileIds
  logger: Logger
  timeoutMs: number
  now(): number
  versionOf(stationId: string): Promise<OcppVersion>
  /** The limit the station's site asks for; undefined: not balanced, or none wanted. */
  limitFor(stationId: string): Promise<{ unit: 'A' | 'W'; limit: number } | null | undefined>
}) {
  const installing = new Map<string, Promise<void>>()
  /** One installation per station at a time: the site and the station's connection both ask. */
  function ensureTxDefault(stationId: string): Promise<void> {
    const running = installing.get(stationId)
    if (running) return running
    const p = installTxDefault(stationId).finally(() => installing.delete(stationId))
    installing.set(stationId, p)
    return p
  }

  async function installTxDefault(stationId: string): Promise<void> {
    const limit = await deps.limitFor(stationId)
    if (!limit) return
    const current = await deps.profiles.stationDefault(stationId)
    if (
      current?.status === 'Accepted' &&
      current.limit.unit === limit.unit &&
      current.limit.limit === limit.limit
    )
      return
    const version = await deps.versionOf(stationId)
    const call = txDefaultCall(version, deps.ids, limit)
    let status = 'Failed'
    try {
      const reply = await callStation(deps.nc, {
        stationId,
        action: call.action,
        payload: call.payload,
        timeoutMs: deps.timeoutMs,
      })
      status = reply.ok ? String((reply.payload as { status?: string }).status) : `CallError:${reply.code}`
    } catch (error) {
      status = isAppError(error) ? `Failed:${error.code}` : 'Failed'
    }
    await deps.profiles.setStationDefault(stationId, limit, status)
    if (status === 'Accepted') {
      await deps.profiles.record({
        stationId,
        profileId: deps.ids.base + 100_000,
        evseId: 0,
        purpose: 'TxDefaultProfile',
        stackLevel: deps.ids.stackLevel,
        transactionId: null,
        profile: call.profile,
        version,
        source: 'balancer',
        status,
        statusInfo: undefined,
        setAt: new Date(deps.now()),
      })
    } else {
      deps.logger.warn({ stationId, status }, 'station did not take its TxDefaultProfile')
    }
  }

  return { ensure: ensureTxDefault }
}
