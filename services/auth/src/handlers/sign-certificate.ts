import { defineHandler } from '@csms/bus'
import type { CertificateSigner } from '../certificates/certificate-signer.js'

/** SignCertificate: 2.0.1/2.1, and the 1.6 security whitepaper's (station certificate only). */
export function createSignCertificateHandlers(deps: { signer: CertificateSigner }) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'SignCertificate',
      async handle({ stationId, payload }) {
        return deps.signer.request({
          stationId,
          version,
          csr: payload.csr,
          use: payload.certificateType ?? 'ChargingStationCertificate',
          requestId: 'requestId' in payload ? (payload.requestId as number | undefined) : undefined,
        })
      },
    })
  const legacy = defineHandler({
    version: 'v16',
    action: 'SignCertificate',
    async handle({ stationId, payload }) {
      const answer = await deps.signer.request({
        stationId,
        version: 'v16',
        csr: payload.csr,
        use: 'ChargingStationCertificate',
      })
      return { status: answer.status }
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
