import { defineHandler } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { type BootPolicy, decideBoot } from '../domain/boot-policy.js'
import type { StationRepo } from '../repo/station-repo.js'
import type { Clock } from './clock.js'

type Deps = { repo: StationRepo; policy: BootPolicy; clock: Clock; logger: Logger }

async function register(
  deps: Deps,
  stationId: string,
  boot: Omit<Parameters<StationRepo['recordBoot']>[1], 'registrationStatus' | 'at'>,
) {
  const now = deps.clock()
  const registration = await deps.repo.registrationOf(stationId)
  const decision = decideBoot(registration, deps.policy)
  await deps.repo.recordBoot(stationId, { ...boot, registrationStatus: decision.status, at: now })
  if (decision.status !== 'Accepted') {
    deps.logger.info(
      {
        stationId,
        status: decision.status,
        registered: registration.registered,
        policy: registration.policy,
      },
      'boot not accepted',
    )
  }
  return { ...decision, currentTime: now.toISOString() }
}

/** OCPP 2.0.1 and 2.1 BootNotification: store who the station is, answer per policy. */
export function createBootNotificationHandlers(deps: Deps) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'BootNotification',
      async handle({ stationId, payload }) {
        const cs = payload.chargingStation
        return register(deps, stationId, {
          vendor: cs.vendorName,
          model: cs.model,
          serialNumber: cs.serialNumber ?? null,
          firmwareVersion: cs.firmwareVersion ?? null,
          reason: payload.reason,
          protocol: version === 'v21' ? 'ocpp2.1' : 'ocpp2.0.1',
        })
      },
    })
  const legacy = defineHandler({
    version: 'v16',
    action: 'BootNotification',
    async handle({ stationId, payload }) {
      return register(deps, stationId, {
        vendor: payload.chargePointVendor,
        model: payload.chargePointModel,
        serialNumber: payload.chargePointSerialNumber ?? payload.chargeBoxSerialNumber ?? null,
        firmwareVersion: payload.firmwareVersion ?? null,
        reason: 'PowerUp',
        protocol: 'ocpp1.6',
      })
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
