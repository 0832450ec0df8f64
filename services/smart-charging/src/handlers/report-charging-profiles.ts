import { defineHandler } from '@csms/bus'
import type { ProfileRepo } from '../repo/profile-repo.js'

/** ReportChargingProfiles (K09): stored under the request it answers, one EVSE per message. */
export function createReportChargingProfilesHandlers(deps: { profiles: ProfileRepo }) {
  const make = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'ReportChargingProfiles',
      async handle({ stationId, payload }) {
        await deps.profiles.saveReport(stationId, {
          requestId: payload.requestId,
          evseId: payload.evseId,
          chargingLimitSource: payload.chargingLimitSource,
          profiles: payload.chargingProfile as unknown as ReadonlyArray<
            { id: number } & Record<string, unknown>
          >,
        })
        return {}
      },
    })
  return [make('v201'), make('v21')]
}
