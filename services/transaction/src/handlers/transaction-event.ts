import { defineHandler, toV201IdTokenInfo } from '@csms/bus'
import type { ResponseOf } from '@csms/ocpp'
import type { Authorization } from '../auth/id-token-authorizer.js'
import { fromTransactionEvent } from '../domain/from-ocpp.js'
import type { TxDoc } from '../domain/transaction-state.js'
import type { SessionDeps } from './session-deps.js'

/**
 * TransactionEvent (2.0.1 and 2.1): authorize the idToken when there is one, apply the event
 * exactly once (seqNo), publish the fact, answer idTokenInfo and the cost the version allows.
 */
export function createTransactionEventHandlers(deps: SessionDeps) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'TransactionEvent',
      async handle({ stationId, payload, trace }) {
        const facts = fromTransactionEvent(payload)
        const auth = facts.idToken
          ? await deps.authorizer.authorize(
              {
                idToken: facts.idToken.idToken,
                type: facts.idToken.type,
                stationId,
                ...(facts.evseId === null ? {} : { evseId: facts.evseId }),
              },
              trace,
            )
          : null
        const session = await deps.sessions.apply({
          stationId,
          transactionId: payload.transactionInfo.transactionId,
          protocol: version === 'v21' ? 'ocpp2.1' : 'ocpp2.0.1',
          facts,
          auth,
        })
        if (!session.duplicate && facts.eventType === 'Updated')
          deps.costUpdates.consider(stationId, session, trace)
        if (facts.eventType === 'Ended') deps.costUpdates.forget(session.id)
        return {
          ...(auth === null ? {} : { idTokenInfo: version === 'v201' ? toV201Info(auth) : auth.info }),
          ...costField(version, facts.eventType, session.doc),
        }
      },
    })
  return [modern('v201'), modern('v21')]
}

/**
 * 2.0.1: totalCost "SHALL only be sent when charging has ended", 0.00 for a free session.
 * 2.1: the running cost on Updated, the final one on Ended. Without a tariff nothing is sent.
 */
function costField(version: 'v201' | 'v21', eventType: string, doc: TxDoc): { totalCost?: number } {
  if (doc.totalCost === null) return {}
  if (eventType === 'Ended' || (version === 'v21' && eventType === 'Updated'))
    return { totalCost: doc.totalCost }
  return {}
}

type V201IdTokenInfo = NonNullable<ResponseOf<'v201', 'TransactionEvent'>['idTokenInfo']>

/** 2.0.1 knows fewer token types than 2.1: a group it cannot express is left out. */
function toV201Info(auth: Authorization): V201IdTokenInfo {
  // toV201IdTokenInfo keeps a group only when its type is one of 2.0.1's.
  return toV201IdTokenInfo(auth.info) as V201IdTokenInfo
}
