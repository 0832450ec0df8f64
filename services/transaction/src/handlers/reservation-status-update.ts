import { defineHandler } from '@csms/bus'
import { publishReservationFact } from '../events/transaction-facts.js'
import type { SessionDeps } from './session-deps.js'

/** H04: the station says a reservation expired or was removed. */
export function createReservationStatusUpdateHandlers(deps: SessionDeps) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'ReservationStatusUpdate',
      async handle({ stationId, payload }) {
        const status = payload.reservationUpdateStatus === 'Expired' ? 'expired' : 'removed'
        const changed = await deps.repo.setReservationStatus(stationId, payload.reservationId, status)
        if (changed) await publishReservationFact(deps.publish, changed)
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
