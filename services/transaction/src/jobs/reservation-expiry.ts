import type { PublishFact } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { publishReservationFact } from '../events/transaction-facts.js'
import type { TransactionRepo } from '../repo/transaction-repo.js'

/**
 * H04 from the CSMS side: a reservation whose expiry passed is expired even when the station
 * never sends ReservationStatusUpdate (it may be offline). Runs on every replica; the UPDATE
 * decides which one reports each expiry.
 */
export function sweepExpiredReservations(deps: {
  repo: TransactionRepo
  publish: PublishFact
  logger: Logger
  intervalMs: number
  now?: () => Date
}): { stop(): Promise<void> } {
  let running: Promise<void> | null = null
  const sweep = async () => {
    try {
      for (const r of await deps.repo.expireDue(deps.now?.() ?? new Date())) {
        deps.logger.info({ stationId: r.stationId, reservationId: r.reservationId }, 'reservation expired')
        await publishReservationFact(deps.publish, r)
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'reservation sweep failed')
    }
  }
  const timer = setInterval(() => {
    running ??= sweep().finally(() => {
      running = null
    })
  }, deps.intervalMs)
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
