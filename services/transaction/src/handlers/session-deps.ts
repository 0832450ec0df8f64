import type { PublishFact } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { IdTokenAuthorizer } from '../auth/id-token-authorizer.js'
import type { EventWriter } from '../repo/event-writer.js'
import type { TransactionRepo } from '../repo/transaction-repo.js'
import type { CostUpdates } from '../sessions/cost-updates.js'
import type { SessionService } from '../sessions/session-service.js'

/** What the station-message handlers share. */
export type SessionDeps = {
  authorizer: IdTokenAuthorizer
  sessions: SessionService
  costUpdates: CostUpdates
  writer: EventWriter
  repo: TransactionRepo
  publish: PublishFact
  logger: Logger
}
