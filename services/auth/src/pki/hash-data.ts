import type { CertificateHashData } from '@csms/bus'
import { pkijs } from './engine.js'

const hex = (b: { valueBlock: { valueHexView: Uint8Array } }) =>
  Buffer.from(b.valueBlock.valueHexView).toString('hex')

/** OCPP CertificateHashDataType of a certificate: hashes of its issuer's name and key, its serial. */
export async function hashDataOf(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
): Promise<CertificateHashData> {
  const id = await pkijs.CertID.create(cert, { hashAlgorithm: 'SHA-256', issuerCertificate: issuer })
  return {
    hashAlgorithm: 'SHA256',
    issuerNameHash: hex(id.issuerNameHash),
    issuerKeyHash: hex(id.issuerKeyHash),
    serialNumber: hex(id.serialNumber).replace(/^0+(?=.)/, ''),
  }
}
