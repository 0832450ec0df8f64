import { defineHandler, toIdTagInfo } from '@csms/bus'
import { fromStartTransaction16, fromStopTransaction16, IDTAG16_TYPE } from '../domain/from-ocpp.js'
import type { SessionDeps } from './session-deps.js'

/**
 * OCPP 1.6 StartTransaction / StopTransaction on the same sessions as 2.0.1. The CSMS gives
 * each start an integer transactionId; a retried StartTransaction (same connector, time, idTag
 * and meterStart) gets the same id back and is applied once.
 */
export function createLegacyTransactionHandlers(deps: SessionDeps) {
  const start = defineHandler({
    version: 'v16',
    action: 'StartTransaction',
    async handle({ stationId, payload, trace }) {
      const facts = fromStartTransaction16(payload)
      const key = `${payload.connectorId}|${facts.at}|${payload.idTag.toLowerCase()}|${payload.meterStart}`
      const [transactionId, auth] = await Promise.all([
        deps.repo.allocateLegacyId(stationId, key, facts.at),
        deps.authorizer.authorize(
          {
            idToken: payload.idTag,
            type: IDTAG16_TYPE,
            stationId,
            evseId: payload.connectorId,
          },
          trace,
        ),
      ])
      const session = await deps.sessions.apply({
        stationId,
        transactionId,
        protocol: 'ocpp1.6',
        facts,
        auth,
      })
      if (!session.duplicate) {
        await deps.repo.linkLegacyRemoteStart(stationId, payload.connectorId, payload.idTag, transactionId)
      }
      return { transactionId: Number(transactionId), idTagInfo: toIdTagInfo(auth.info) }
    },
  })

  const stop = defineHandler({
    version: 'v16',
    action: 'StopTransaction',
    async handle({ stationId, payload, trace }) {
      const facts = fromStopTransaction16(payload)
      const known = String(payload.transactionId)
      // A stop for an id this CSMS never gave (another CSMS, a reset station) is still kept, apart.
      const transactionId = (await deps.repo.exists(stationId, known)) ? known : `orphan-${known}`
      if (transactionId !== known)
        deps.logger.warn({ stationId, transactionId: known }, 'StopTransaction of an unknown id')
      const auth =
        payload.idTag === undefined
          ? null
          : await deps.authorizer.authorize({ idToken: payload.idTag, type: IDTAG16_TYPE, stationId }, trace)
      const session = await deps.sessions.apply({
        stationId,
        transactionId,
        protocol: 'ocpp1.6',
        facts,
        auth,
      })
      deps.costUpdates.forget(session.id)
      return auth === null ? {} : { idTagInfo: toIdTagInfo(auth.info) }
    },
  })
  return [start, stop]
}
