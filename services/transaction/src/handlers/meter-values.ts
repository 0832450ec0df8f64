import { defineHandler } from '@csms/bus'
import { fromMeterValues16 } from '../domain/from-ocpp.js'
import { readingsFromV2 } from '../domain/readings.js'
import { publishMeterFact } from '../events/transaction-facts.js'
import type { SessionDeps } from './session-deps.js'

/**
 * MeterValues. In 2.0.1/2.1 they belong to no transaction (J01: transaction readings come in
 * TransactionEvent). In 1.6 they may name one, and then count towards its energy like a
 * TransactionEvent Updated. A retried message is dropped by the unique index on the samples.
 */
export function createMeterValuesHandlers(deps: SessionDeps) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'MeterValues',
      async handle({ stationId, payload }) {
        const readings = readingsFromV2(payload.meterValue)
        await deps.writer.submit({ kind: 'meter', stationId, evseId: payload.evseId, readings })
        await publishMeterFact(deps.publish, {
          stationId,
          evseId: payload.evseId,
          transactionId: null,
          readings,
        })
        return {}
      },
    })
  const legacy = defineHandler({
    version: 'v16',
    action: 'MeterValues',
    async handle({ stationId, payload }) {
      const facts = fromMeterValues16(payload)
      const transactionId = payload.transactionId === undefined ? null : String(payload.transactionId)
      if (transactionId !== null && (await deps.repo.exists(stationId, transactionId))) {
        await deps.sessions.apply({ stationId, transactionId, protocol: 'ocpp1.6', facts, auth: null })
      } else {
        if (transactionId !== null)
          deps.logger.warn({ stationId, transactionId }, 'meter values for an unknown 1.6 transaction')
        await deps.writer.submit({
          kind: 'meter',
          stationId,
          evseId: payload.connectorId,
          readings: facts.readings,
        })
      }
      await publishMeterFact(deps.publish, {
        stationId,
        evseId: payload.connectorId,
        transactionId,
        readings: facts.readings,
      })
      return {}
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
