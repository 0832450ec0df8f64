import { X509Certificate } from 'node:crypto'
import type { Logger } from '@csms/telemetry'
import type { Clock } from '../domain/clock.js'
import { pkijs } from './engine.js'
import { hashDataOf } from './hash-data.js'
import { type OcspClient, type OcspRequestData, verifyOcspSignature } from './ocsp-client.js'
import { pemBlocks } from './pem.js'

/** AuthorizeCertificateStatusEnumType of OCPP 2.0.1. */
export type CertificateStatus =
  | 'Accepted'
  | 'SignatureError'
  | 'CertificateExpired'
  | 'CertificateRevoked'
  | 'NoCertificateAvailable'
  | 'CertChainError'
  | 'ContractCancelled'

export type ContractCheck = { certificateStatus: CertificateStatus; emaid?: string; detail?: string }

type Cert = { node: X509Certificate; pki: pkijs.Certificate }
const MAX_DEPTH = 5

function parse(der: Buffer): Cert {
  return { node: new X509Certificate(der), pki: pkijs.Certificate.fromBER(der) }
}

export function parseTrustAnchors(pem: string): Cert[] {
  return pemBlocks(pem, 'CERTIFICATE').map(parse)
}

const ocspUrlOf = (c: X509Certificate) => /OCSP - URI:(\S+)/.exec(c.infoAccess ?? '')?.[1]
const commonNameOf = (c: X509Certificate) => /(?:^|\n)CN=([^\n]+)/.exec(c.subject)?.[1]

/**
 * Plug & Charge authorization (OCPP 2.0.1 C07): checks an EV's contract certificate chain up
 * to the configured trust anchors (MO / V2G roots), then asks OCSP about every certificate on
 * the path. An OCSP answer that cannot be had or trusted fails the check (CertChainError)
 * unless `softFail` is set, in which case it is logged and skipped.
 */
export function createContractValidator(deps: {
  trustAnchors: Cert[]
  ocsp: OcspClient
  softFail: boolean
  clock: Clock
  logger: Logger
}) {
  const anchors = deps.trustAnchors

  async function revocation(
    data: OcspRequestData,
    trusted: pkijs.Certificate[],
  ): Promise<ContractCheck | undefined> {
    const answer = await deps.ocsp.query(data)
    const trouble = !answer.ok
      ? answer.reason
      : !(await verifyOcspSignature(answer.basic, trusted))
        ? 'the OCSP response is not signed by a trusted responder'
        : answer.status === 'unknown'
          ? 'the responder does not know the certificate'
          : undefined
    if (answer.ok && answer.status === 'revoked') return { certificateStatus: 'CertificateRevoked' }
    if (trouble === undefined) return undefined
    deps.logger.warn(
      { responder: data.responderURL, reason: trouble, softFail: deps.softFail },
      'OCSP check failed',
    )
    return deps.softFail ? undefined : { certificateStatus: 'CertChainError', detail: trouble }
  }

  return {
    /** `certificate` of an Authorize: the contract certificate (PEM), optionally with sub-CAs. */
    async checkCertificate(pem: string): Promise<ContractCheck> {
      let chain: Cert[]
      try {
        chain = pemBlocks(pem, 'CERTIFICATE').map(parse)
      } catch {
        return { certificateStatus: 'CertChainError', detail: 'a certificate does not parse' }
      }
      const leaf = chain[0]
      if (!leaf) return { certificateStatus: 'NoCertificateAvailable' }
      if (anchors.length === 0)
        return { certificateStatus: 'CertChainError', detail: 'no trust anchors configured' }
      const now = deps.clock().getTime()
      const expired = (c: Cert) => now < Date.parse(c.node.validFrom) || now > Date.parse(c.node.validTo)
      if (chain.some(expired)) return { certificateStatus: 'CertificateExpired' }

      const links: Array<{ cert: Cert; issuer: Cert }> = []
      let current = leaf
      for (let depth = 0; ; depth++) {
        if (depth > MAX_DEPTH) return { certificateStatus: 'CertChainError', detail: 'chain too long' }
        const anchor = anchors.find((a) => current.node.checkIssued(a.node))
        const issuer = anchor ?? chain.find((c) => c !== current && current.node.checkIssued(c.node))
        if (!issuer) return { certificateStatus: 'CertChainError', detail: 'no path to a trusted root' }
        if (!issuer.node.ca) return { certificateStatus: 'CertChainError', detail: 'an issuer is not a CA' }
        if (!current.node.verify(issuer.node.publicKey)) return { certificateStatus: 'SignatureError' }
        if (expired(issuer)) return { certificateStatus: 'CertificateExpired' }
        links.push({ cert: current, issuer })
        if (anchor) break
        current = issuer
      }

      for (const { cert, issuer } of links) {
        const url = ocspUrlOf(cert.node)
        if (!url) continue // the issuer offers no OCSP for it: nothing to ask
        const data = { ...(await hashDataOf(cert.pki, issuer.pki)), responderURL: url }
        // The responder must chain to a trust anchor; the issuer (already validated) may sign itself.
        const failed = await revocation(data, [issuer.pki, ...anchors.map((a) => a.pki)])
        if (failed) return failed
      }
      const emaid = commonNameOf(leaf.node)
      return { certificateStatus: 'Accepted', ...(emaid ? { emaid } : {}) }
    },

    /** `iso15118CertificateHashData` of an Authorize: the station checked the chain, we ask OCSP. */
    async checkHashData(data: OcspRequestData[]): Promise<ContractCheck> {
      const trusted = anchors.map((a) => a.pki)
      for (const d of data) {
        const failed = await revocation(d, trusted)
        if (failed) return failed
      }
      return { certificateStatus: 'Accepted' }
    },
  }
}

export type ContractValidator = ReturnType<typeof createContractValidator>
