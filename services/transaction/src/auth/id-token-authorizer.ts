import { authorizeIdTokenRpc, callRpc, type IdTokenInfo, isAppError } from '@csms/bus'
import type { Logger, TraceContext } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/transport-node'

// A TransactionEventResponse must carry idTokenInfo whenever the request carried an idToken
// (OCPP 2.0.1 Part 2, TransactionEventResponse), so it is never left out. The auth service
// answers it; when no auth service answers in time, the configured fallback answers:
//   invalid (default): status Invalid. The station then applies its own policy
//                      (StopTxOnInvalidId); no energy is given away on an unverified token.
//   accept:            status Accepted, for operators who prefer availability during an
//                      auth outage (the session is still recorded and can be billed later).
// The answer's source is kept on the session (idTokenStatus) and logged.

export const OFFLINE_AUTH_POLICIES = ['invalid', 'accept'] as const
export type OfflineAuthPolicy = (typeof OFFLINE_AUTH_POLICIES)[number]

export type Authorization = { info: IdTokenInfo; source: 'auth' | 'fallback' }

export type IdTokenAuthorizer = {
  authorize(
    req: {
      idToken: string
      type: string
      stationId: string
      evseId?: number
    },
    trace?: TraceContext,
  ): Promise<Authorization>
}

export function fallbackInfo(policy: OfflineAuthPolicy): IdTokenInfo {
  return { status: policy === 'accept' ? 'Accepted' : 'Invalid' }
}

export function createIdTokenAuthorizer(deps: {
  nc: NatsConnection
  policy: OfflineAuthPolicy
  timeoutMs: number
  logger: Logger
}): IdTokenAuthorizer {
  return {
    async authorize(req, trace) {
      try {
        const info = await callRpc(deps.nc, authorizeIdTokenRpc, req, { timeoutMs: deps.timeoutMs, trace })
        return { info, source: 'auth' }
      } catch (error) {
        if (isAppError(error) && error.code === 'not_found')
          return { info: { status: 'Unknown' }, source: 'auth' }
        if (isAppError(error) && error.code === 'invalid_input')
          return { info: { status: 'Invalid' }, source: 'auth' }
        deps.logger.warn(
          { err: error, stationId: req.stationId, policy: deps.policy },
          'auth service did not authorize the idToken: answering per CSMS_TX_OFFLINE_AUTH',
        )
        return { info: fallbackInfo(deps.policy), source: 'fallback' }
      }
    },
  }
}
