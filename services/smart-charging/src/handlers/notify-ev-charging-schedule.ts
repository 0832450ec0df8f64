import { defineHandler } from '@csms/bus'
import type { EvChargingDeps } from './notify-ev-charging-needs.js'

/**
 * NotifyEVChargingSchedule (K15-K17): the schedule the EV settled on. Rejected when it asks
 * for more than the EVSE's current share (the CSMS then renegotiates with a new TxProfile).
 */
export function createNotifyEvChargingScheduleHandlers(deps: EvChargingDeps & { toleranceA: number }) {
  const make = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyEVChargingSchedule',
      async handle({ stationId, payload }) {
        const session = await deps.sessions.get(stationId, payload.evseId)
        const schedule = payload.chargingSchedule
        let status: 'Accepted' | 'Rejected' = 'Accepted'
        if (session?.allocatedW != null && session.electrical) {
          const e = session.electrical
          const maxAsked = Math.max(
            0,
            ...schedule.chargingSchedulePeriod.map((p) => {
              const limit = p.limit ?? 0
              return schedule.chargingRateUnit === 'W'
                ? limit
                : limit * e.voltage * (p.numberPhases ?? e.phases)
            }),
          )
          const tolerance = deps.toleranceA * e.voltage * e.phases
          if (maxAsked > session.allocatedW + tolerance) status = 'Rejected'
        }
        await deps.sessions.saveEvSchedule(
          stationId,
          payload.evseId,
          payload as unknown as Record<string, unknown>,
          status,
        )
        if (status === 'Rejected' && session?.siteId)
          await deps.balancer.onSiteChanged(session.siteId, 'ev-schedule')
        return { status }
      },
    })
  return [make('v201'), make('v21')]
}
