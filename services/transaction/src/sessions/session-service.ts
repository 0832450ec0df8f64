import type { PublishFact } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { Authorization } from '../auth/id-token-authorizer.js'
import type { EventFacts } from '../domain/from-ocpp.js'
import type { TariffResolver } from '../domain/tariff-resolver.js'
import type { TxEventInput } from '../domain/transaction-state.js'
import { publishTransactionFact } from '../events/transaction-facts.js'
import type { EventWriter, TxWritten } from '../repo/event-writer.js'

export type SessionService = {
  /**
   * Applies one station event to its session: resolves the tariff (outside any database
   * transaction), writes through the batcher, publishes the fact once the write committed.
   * Resolves when both are durable, so the caller may answer the station.
   */
  apply(input: {
    stationId: string
    transactionId: string
    protocol: string
    facts: EventFacts
    auth: Authorization | null
  }): Promise<TxWritten>
}

export function createSessionService(deps: {
  writer: EventWriter
  tariffs: TariffResolver
  publish: PublishFact
  logger: Logger
}): SessionService {
  return {
    async apply({ stationId, transactionId, protocol, facts, auth }) {
      const groupIdToken = auth?.info.groupIdToken?.idToken ?? null
      // The tariff is chosen where a session can first be known: its start, its token, its end
      // (an Ended may arrive first). Plain meter updates keep what the session has.
      const wantsTariff = facts.eventType !== 'Updated' || facts.idToken !== null
      const tariff = wantsTariff ? await deps.tariffs.resolve({ stationId, groupIdToken }) : null
      const event: TxEventInput = { ...facts, idTokenStatus: auth?.info.status ?? null, groupIdToken, tariff }
      const written = await deps.writer.submit({ kind: 'tx', stationId, transactionId, protocol, event })
      if (written.kind !== 'tx') throw new Error('writer answered a transaction job with a meter result')
      if (written.duplicate)
        deps.logger.debug({ stationId, transactionId, seqNo: facts.seqNo }, 'duplicate event ignored')
      await publishTransactionFact(deps.publish, {
        id: written.id,
        stationId,
        transactionId,
        doc: written.doc,
        event,
      })
      return written
    },
  }
}
