import { defineHandler } from '@csms/bus'
import type { ContractProvider } from '../pki/contract-provider.js'

// Get15118EVCertificateResponse.exiResponse: at most 5600 characters in 2.0.1, 17000 in 2.1.
const EXI_RESPONSE_LIMIT = { v201: 5600, v21: 17_000 } as const

/**
 * Get15118EVCertificate (M01 install, M02 update): the EV's EXI request goes to the
 * contract-certificate provider untouched, and its EXI answer back to the station.
 */
export function createGet15118EvCertificateHandlers(deps: { provider: ContractProvider }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'Get15118EVCertificate',
      async handle({ stationId, payload }) {
        const v21 = payload as typeof payload & {
          maximumContractCertificateChains?: number
          prioritizedEMAIDs?: string[]
        }
        const answer = await deps.provider.request({
          stationId,
          iso15118SchemaVersion: payload.iso15118SchemaVersion,
          action: payload.action,
          exiRequest: payload.exiRequest,
          maximumContractCertificateChains: v21.maximumContractCertificateChains,
          prioritizedEMAIDs: v21.prioritizedEMAIDs,
        })
        if (answer.exiResponse.length > EXI_RESPONSE_LIMIT[version]) {
          return { status: 'Failed' as const, exiResponse: '', statusInfo: { reasonCode: 'ExiTooLarge' } }
        }
        return {
          status: answer.status,
          exiResponse: answer.exiResponse,
          ...(answer.reason === undefined
            ? {}
            : { statusInfo: { reasonCode: 'ProviderFailed', additionalInfo: answer.reason.slice(0, 1024) } }),
          ...(version === 'v21' && answer.remainingContracts !== undefined
            ? { remainingContracts: answer.remainingContracts }
            : {}),
        }
      },
    })
  return [modern('v201'), modern('v21')]
}
