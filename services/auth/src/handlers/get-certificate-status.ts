import { defineHandler } from '@csms/bus'
import type { OcspClient } from '../pki/ocsp-client.js'

// GetCertificateStatusResponse.ocspResult is at most 5500 characters of base64.
const MAX_OCSP_RESULT = 5500

/**
 * GetCertificateStatus (M06): the CSMS asks the OCSP responder the station names (through the
 * SSRF policy) and relays the DER response in base64; answers are cached until nextUpdate.
 */
export function createGetCertificateStatusHandlers(deps: { ocsp: OcspClient }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'GetCertificateStatus',
      async handle({ payload }) {
        const answer = await deps.ocsp.query(payload.ocspRequestData)
        if (!answer.ok) {
          return {
            status: 'Failed' as const,
            statusInfo: { reasonCode: 'OCSPFailed', additionalInfo: answer.reason.slice(0, 1024) },
          }
        }
        const ocspResult = answer.der.toString('base64')
        if (ocspResult.length > MAX_OCSP_RESULT) {
          return { status: 'Failed' as const, statusInfo: { reasonCode: 'OCSPTooLarge' } }
        }
        return { status: 'Accepted' as const, ocspResult }
      },
    })
  return [modern('v201'), modern('v21')]
}
