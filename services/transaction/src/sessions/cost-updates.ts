import { callStation } from '@csms/bus'
import type { Logger, TraceContext } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/transport-node'
import type { TxWritten } from '../repo/event-writer.js'

// I02: the running cost of a session, pushed to the station with CostUpdated (2.0.1 and 2.1)
// at most once per interval per session. Sent after the station's TransactionEvent was
// answered, never awaited by it: a station that is slow to answer CostUpdated must not hold
// up its own meter values.

export type CostUpdates = {
  /** `trace`: the station CALL's trace, which the CostUpdated continues. */
  consider(stationId: string, session: TxWritten, trace?: TraceContext): void
  forget(sessionId: string): void
}

export function createCostUpdates(deps: {
  nc: NatsConnection
  intervalS: number
  logger: Logger
  now?: () => number
}): CostUpdates {
  const now = deps.now ?? Date.now
  const lastSent = new Map<string, number>()
  return {
    consider(stationId, session, trace) {
      const cost = session.doc.totalCost
      if (deps.intervalS === 0 || cost === null || session.doc.endedSeen) return
      const last = lastSent.get(session.id)
      if (last !== undefined && now() - last < deps.intervalS * 1000) return
      if (lastSent.size > 100_000) lastSent.clear()
      lastSent.set(session.id, now())
      const transactionId = session.transactionId
      // After the reply: a CALL to the station while its own CALL is unanswered would wait.
      setImmediate(() => {
        callStation(deps.nc, {
          stationId,
          action: 'CostUpdated',
          payload: { totalCost: cost, transactionId },
          timeoutMs: 30_000,
          trace,
        })
          .then((reply) => {
            if (!reply.ok)
              deps.logger.warn({ stationId, transactionId, code: reply.code }, 'CostUpdated refused')
          })
          .catch((error: unknown) =>
            deps.logger.debug({ err: error, stationId }, 'CostUpdated not delivered'),
          )
      })
    },
    forget(sessionId) {
      lastSent.delete(sessionId)
    },
  }
}
