import { defineHandler, toIdTagInfo, toV201IdTokenInfo } from '@csms/bus'
import { IDTAG16, type IdTokenAuthorizer } from '../authorization/id-token-authorizer.js'
import { sameEmaid } from '../domain/id-token-format.js'
import type { ContractValidator } from '../pki/contract-validator.js'

type Deps = { authorizer: IdTokenAuthorizer; contracts: ContractValidator }

/**
 * Authorize (OCPP 2.0.1 C01-C09; 1.6 idTag). With Plug & Charge data the contract certificate
 * is checked first (C07): a certificate that fails answers `Invalid` with the reason in
 * certificateStatus; an eMAID that is not the certificate's also answers `Invalid`.
 */
export function createAuthorizeHandlers(deps: Deps) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'Authorize',
      async handle({ stationId, payload }) {
        const { idToken } = payload
        const contract =
          payload.certificate !== undefined
            ? await deps.contracts.checkCertificate(payload.certificate)
            : payload.iso15118CertificateHashData !== undefined
              ? await deps.contracts.checkHashData(payload.iso15118CertificateHashData)
              : undefined
        if (contract && contract.certificateStatus !== 'Accepted') {
          return {
            idTokenInfo: { status: 'Invalid' as const },
            certificateStatus: contract.certificateStatus,
          }
        }
        if (contract?.emaid !== undefined && !sameEmaid(contract.emaid, idToken.idToken)) {
          return { idTokenInfo: { status: 'Invalid' as const }, certificateStatus: 'Accepted' as const }
        }
        const info = await deps.authorizer.authorize({
          idToken: idToken.idToken,
          type: idToken.type,
          stationId,
        })
        const idTokenInfo = version === 'v201' ? toV201IdTokenInfo(info) : info
        return contract ? { idTokenInfo, certificateStatus: contract.certificateStatus } : { idTokenInfo }
      },
    })
  const legacy = defineHandler({
    version: 'v16',
    action: 'Authorize',
    async handle({ stationId, payload }) {
      const info = await deps.authorizer.authorize({ idToken: payload.idTag, type: IDTAG16, stationId })
      return { idTagInfo: toIdTagInfo(info) }
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
