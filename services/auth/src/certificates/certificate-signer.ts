import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { CertificateAuthority } from '../pki/certificate-authority.js'
import { type CertificateSigningUse, checkCsr } from '../pki/csr.js'
import type { pkijs } from '../pki/engine.js'
import type { CertificateRepo } from '../repo/certificate-repo.js'
import type { StationCaller } from '../station/station-call.js'

export type SignRequestAnswer = {
  status: 'Accepted' | 'Rejected'
  statusInfo?: { reasonCode: string; additionalInfo?: string }
}

export type CertificateSigner = ReturnType<typeof createCertificateSigner>

/**
 * OCPP 2.0.1 A02/A03: a station sends a CSR with SignCertificate; the CSMS answers at once
 * whether it will sign, then signs with its CA and sends the chain with CertificateSigned.
 * Every issued certificate is recorded with what the station answered.
 */
export function createCertificateSigner(deps: {
  ca: CertificateAuthority | undefined
  organization: string | undefined
  repo: CertificateRepo
  call: StationCaller
  logger: Logger
}) {
  const deliveries = new Set<Promise<void>>()

  async function deliver(
    stationId: string,
    version: OcppVersion,
    ca: CertificateAuthority,
    csr: pkijs.CertificationRequest,
    use: CertificateSigningUse,
    requestId: number | undefined,
  ): Promise<void> {
    const issued = await ca.issue(csr, use)
    await deps.repo.recordIssued({
      serialNumber: issued.serialNumber,
      stationId,
      certificateType: use,
      subject: issued.subject,
      notAfter: issued.notAfter,
      pem: issued.certificatePem,
    })
    const payload =
      version === 'v16'
        ? { certificateChain: issued.chainPem }
        : {
            certificateChain: issued.chainPem,
            certificateType: use,
            ...(version === 'v21' && requestId !== undefined ? { requestId } : {}),
          }
    const reply = await deps.call(stationId, 'CertificateSigned', payload)
    const status = reply.ok ? String(reply.payload.status) : reply.outcome
    await deps.repo.markDelivery(issued.serialNumber, status)
    deps.logger.info(
      { stationId, serialNumber: issued.serialNumber, use, status, security: true },
      'certificate issued',
    )
  }

  return {
    async request(req: {
      stationId: string
      version: OcppVersion
      csr: string
      use: CertificateSigningUse
      requestId?: number | undefined
    }): Promise<SignRequestAnswer> {
      const { ca } = deps
      if (!ca) {
        return {
          status: 'Rejected',
          statusInfo: { reasonCode: 'NoCA', additionalInfo: 'no CSMS CA configured' },
        }
      }
      const check = await checkCsr(req.csr, {
        stationId: req.stationId,
        use: req.use,
        organization: deps.organization,
      })
      if (!check.ok) {
        deps.logger.warn({ stationId: req.stationId, reason: check.reason, security: true }, 'CSR refused')
        return {
          status: 'Rejected',
          statusInfo: { reasonCode: check.reasonCode, additionalInfo: check.reason },
        }
      }
      // After the SignCertificate answer has gone out: the station expects CertificateSigned later.
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => deliver(req.stationId, req.version, ca, check.csr, req.use, req.requestId))
        .catch((error: unknown) =>
          deps.logger.error({ err: error, stationId: req.stationId }, 'certificate delivery failed'),
        )
        .finally(() => deliveries.delete(p))
      deliveries.add(p)
      return { status: 'Accepted' }
    },

    /** Resolves when every delivery started so far has ended (for an orderly shutdown). */
    async settled(): Promise<void> {
      await Promise.all([...deliveries])
    },
  }
}
