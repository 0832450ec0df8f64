import {
  checkCompositeScheduleRpc,
  checkStartProfileRpc,
  clearChargingProfileRpc,
  listChargingProfilesRpc,
  listExternalLimitsRpc,
  requestProfileReportRpc,
  serveRpc,
  setChargingProfileRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { ProfileOperations } from '../commands/profile-operations.js'
import type { ProfileRepo } from '../repo/profile-repo.js'

/**
 * Charging-profile operations and what is stored about them, for the operator API; and the
 * check of a remote start's chargingProfile (K05) for the transaction service.
 */
export function serveProfileRpc(deps: {
  nc: NatsConnection
  ops: ProfileOperations
  profiles: ProfileRepo
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'smart-charging', logger: deps.logger }
  return [
    serveRpc(
      deps.nc,
      setChargingProfileRpc,
      (r) => deps.ops.set(r.stationId, r.evseId, r.chargingProfile),
      opts,
    ),
    serveRpc(
      deps.nc,
      checkStartProfileRpc,
      async (r) => {
        const violations = await deps.ops.checkStart(r.stationId, r.version, r.evseId, r.chargingProfile)
        return violations.length === 0 ? { ok: true as const } : { ok: false as const, violations }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      clearChargingProfileRpc,
      (r) =>
        deps.ops.clear(r.stationId, {
          chargingProfileId: r.chargingProfileId,
          chargingProfileCriteria: r.chargingProfileCriteria,
        }),
      opts,
    ),
    serveRpc(
      deps.nc,
      requestProfileReportRpc,
      (r) => deps.ops.requestReport(r.stationId, r.evseId, r.criteria),
      opts,
    ),
    serveRpc(
      deps.nc,
      listChargingProfilesRpc,
      async ({ stationId, source, requestId }) => {
        if (source === 'reported') {
          const rows = await deps.profiles.reported(stationId, requestId)
          return {
            profiles: rows.map((r) => ({
              stationId,
              evseId: r.evseId,
              profileId: r.profileId,
              purpose: String(r.profile.chargingProfilePurpose ?? ''),
              stackLevel: Number(r.profile.stackLevel ?? 0),
              transactionId: (r.profile.transactionId as string | undefined) ?? null,
              source: 'report',
              status: `reported:${r.requestId}:${r.chargingLimitSource}`,
              profile: r.profile,
              updatedAt: r.reportedAt.toISOString(),
            })),
          }
        }
        const rows = await deps.profiles.list(stationId)
        return {
          profiles: rows.map((r) => ({
            stationId,
            evseId: r.evseId,
            profileId: r.profileId,
            purpose: r.purpose,
            stackLevel: r.stackLevel,
            transactionId: r.transactionId,
            source: r.source,
            status: r.status,
            profile: r.profile,
            updatedAt: r.updatedAt.toISOString(),
          })),
        }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      listExternalLimitsRpc,
      async ({ stationId }) => ({
        limits: (await deps.profiles.externalLimits(stationId, false)).map((l) => ({
          stationId,
          evseId: l.evseId,
          source: l.source,
          isGridCritical: l.isGridCritical,
          schedules: l.schedules as unknown as Record<string, unknown>[],
          setAt: l.setAt.toISOString(),
          clearedAt: l.clearedAt?.toISOString() ?? null,
        })),
      }),
      opts,
    ),
    serveRpc(
      deps.nc,
      checkCompositeScheduleRpc,
      (r) => deps.ops.checkComposite(r.stationId, r.evseId, r.durationS, r.chargingRateUnit),
      opts,
    ),
  ]
}
