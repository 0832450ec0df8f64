import type { AnyOcppHandler } from '@csms/bus'
import { createLegacyTransactionHandlers } from './legacy-transactions.js'
import { createMeterValuesHandlers } from './meter-values.js'
import { createReservationStatusUpdateHandlers } from './reservation-status-update.js'
import type { SessionDeps } from './session-deps.js'
import { createTransactionEventHandlers } from './transaction-event.js'

/** Every station-initiated action this service answers, in all three protocol versions. */
export function transactionHandlers(deps: SessionDeps): readonly AnyOcppHandler[] {
  const handlers = [
    ...createTransactionEventHandlers(deps),
    ...createMeterValuesHandlers(deps),
    ...createLegacyTransactionHandlers(deps),
    ...createReservationStatusUpdateHandlers(deps),
  ]
  // Each handler is type-checked against its own version and action by defineHandler; the
  // runner's list type (AnyOcppHandler, payload: never) does not accept them as they are yet.
  return handlers as unknown as readonly AnyOcppHandler[]
}
