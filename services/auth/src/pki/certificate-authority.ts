import { X509Certificate } from 'node:crypto'
import { buildCertificate, EKU, type KeyUsageName, subjectKeyIdOf } from './certificate-builder.js'
import type { CertificateSigningUse } from './csr.js'
import { pkijs } from './engine.js'
import { importSigningKey } from './keys.js'
import { pemBlocks, toPem } from './pem.js'

export type IssuedCertificate = {
  /** The certificate, then the CA certificates a verifier needs up to (not including) the root. */
  chainPem: string
  certificatePem: string
  serialNumber: string
  subject: string
  notAfter: Date
}

export type CertificateAuthority = {
  /** The CA certificate (PEM), for operators to install as a trust anchor. */
  certificatePem: string
  issue(csr: pkijs.CertificationRequest, use: CertificateSigningUse): Promise<IssuedCertificate>
}

/**
 * The CSMS certificate authority: a CA certificate and its private key from configuration
 * (a mounted file or a secret in the environment). Refuses to start with a key that does not
 * belong to the certificate, or a certificate that is not a CA.
 */
export async function loadCertificateAuthority(cfg: {
  certificatePem: string
  keyPem: string
  validityDays: number
}): Promise<CertificateAuthority> {
  const [caDer, ...above] = pemBlocks(cfg.certificatePem, 'CERTIFICATE')
  if (!caDer) throw new Error('the CA certificate is not PEM')
  const caNode = new X509Certificate(caDer)
  if (!caNode.ca) throw new Error('the CA certificate is not a CA (basicConstraints cA=false)')
  const signing = await importSigningKey(cfg.keyPem)
  const certKey = caNode.publicKey.export({ type: 'spki', format: 'der' })
  if (!certKey.equals(signing.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new Error('the CA private key does not belong to the CA certificate')
  }
  const ca = pkijs.Certificate.fromBER(caDer)
  const caKeyId = subjectKeyIdOf(ca)
  // Intermediates travel with the leaf; a self-signed root never does (stations hold it already).
  const intermediates = [caDer, ...above]
    .filter((der) => {
      const c = new X509Certificate(der)
      return c.subject !== c.issuer || !c.verify(c.publicKey)
    })
    .map((der) => toPem(der, 'CERTIFICATE'))

  return {
    certificatePem: toPem(caDer, 'CERTIFICATE'),
    async issue(csr, use) {
      const now = Date.now()
      const ec = csr.subjectPublicKeyInfo.algorithm.algorithmId === '1.2.840.10045.2.1'
      const keyUsage: KeyUsageName[] = ['digitalSignature', ec ? 'keyAgreement' : 'keyEncipherment']
      const cert = await buildCertificate({
        subject: csr.subject,
        issuer: ca.subject,
        publicKey: csr.subjectPublicKeyInfo,
        // A little backdating tolerates stations whose clock runs behind.
        notBefore: new Date(now - 5 * 60_000),
        notAfter: new Date(Math.min(now + cfg.validityDays * 86_400_000, ca.notAfter.value.getTime())),
        ca: false,
        keyUsage,
        // Profile 3 TLS client; ISO 15118-2 SECC certificates carry no extended key usage.
        ...(use === 'ChargingStationCertificate' ? { extendedKeyUsage: [EKU.clientAuth] } : {}),
        issuerKeyId: caKeyId,
        signingKey: signing.key,
        hash: signing.hash,
      })
      const der = cert.toSchema(true).toBER(false)
      const node = new X509Certificate(Buffer.from(der))
      const certificatePem = toPem(der, 'CERTIFICATE')
      return {
        certificatePem,
        chainPem: [certificatePem, ...intermediates].join(''),
        serialNumber: node.serialNumber.toUpperCase(),
        subject: node.subject,
        notAfter: new Date(node.validTo),
      }
    },
  }
}
