import { createGroupCommit, defineHandler, type GroupCommitOptions } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { type BootPolicy, decideBoot, type RegistrationStatus } from '../domain/boot-policy.js'
import type { BootInfo } from '../repo/station-repo.js'
import type { StationWrites } from '../repo/station-writes.js'
import type { Clock } from './clock.js'

type Deps = {
  writes: Pick<StationWrites, 'registrationsOf' | 'recordBoots'>
  policy: BootPolicy
  clock: Clock
  logger: Logger
  commit: GroupCommitOptions
}
type Boot = { stationId: string; boot: Omit<BootInfo, 'registrationStatus'> }
type Decision = { status: RegistrationStatus; interval: number }

/**
 * Boots are registered in groups: one read of the stations' registrations and one multi-row
 * upsert for every boot that arrived meanwhile. A station is answered only after the write
 * holding its boot committed; a boot that waited past the gateway's deadline is dropped.
 */
export function createBootRegistrar(deps: Deps) {
  const commit = createGroupCommit<Boot, Decision>(async (boots) => {
    const registrations = await deps.writes.registrationsOf(boots.map((b) => b.stationId))
    const decided = boots.map((b) => {
      const registration = registrations.get(b.stationId) ?? { registered: false, policy: null }
      const decision = decideBoot(registration, deps.policy)
      if (decision.status !== 'Accepted') {
        deps.logger.info(
          {
            stationId: b.stationId,
            status: decision.status,
            registered: registration.registered,
            policy: registration.policy,
          },
          'boot not accepted',
        )
      }
      return decision
    })
    await deps.writes.recordBoots(
      boots.map((b, i) => ({
        stationId: b.stationId,
        boot: { ...b.boot, registrationStatus: (decided[i] as Decision).status },
      })),
    )
    return decided
  }, deps.commit)

  return {
    async register(stationId: string, boot: Omit<BootInfo, 'registrationStatus' | 'at'>, arrivedAt: number) {
      const now = deps.clock()
      const decision = await commit.submit({ stationId, boot: { ...boot, at: now } }, arrivedAt)
      return { ...decision, currentTime: now.toISOString() }
    },
    stats: commit.stats,
  }
}

/** OCPP 2.0.1 and 2.1 BootNotification: store who the station is, answer per policy. */
export function createBootNotificationHandlers(deps: Deps) {
  const registrar = createBootRegistrar(deps)
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'BootNotification',
      async handle({ stationId, payload }) {
        const arrivedAt = Date.now()
        const cs = payload.chargingStation
        return registrar.register(
          stationId,
          {
            vendor: cs.vendorName,
            model: cs.model,
            serialNumber: cs.serialNumber ?? null,
            firmwareVersion: cs.firmwareVersion ?? null,
            reason: payload.reason,
            protocol: version === 'v21' ? 'ocpp2.1' : 'ocpp2.0.1',
          },
          arrivedAt,
        )
      },
    })
  const legacy = defineHandler({
    version: 'v16',
    action: 'BootNotification',
    async handle({ stationId, payload }) {
      const arrivedAt = Date.now()
      return registrar.register(
        stationId,
        {
          vendor: payload.chargePointVendor,
          model: payload.chargePointModel,
          serialNumber: payload.chargePointSerialNumber ?? payload.chargeBoxSerialNumber ?? null,
          firmwareVersion: payload.firmwareVersion ?? null,
          reason: 'PowerUp',
          protocol: 'ocpp1.6',
        },
        arrivedAt,
      )
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
