import { pkijs } from './engine.js'
import { isAcceptableKey } from './keys.js'
import { nameAttribute, OID } from './names.js'
import { derOf } from './pem.js'

/** 2.1 adds V2G20Certificate (ISO 15118-20 SECC); it is issued like a V2G certificate. */
export type CertificateSigningUse = 'ChargingStationCertificate' | 'V2GCertificate' | 'V2G20Certificate'

export type CsrCheck =
  | { ok: true; csr: pkijs.CertificationRequest; commonName: string }
  | { ok: false; reasonCode: string; reason: string }

const refuse = (reasonCode: string, reason: string): CsrCheck => ({ ok: false, reasonCode, reason })

/**
 * Checks a station's CSR before the CSMS CA signs it: it parses, its signature proves the
 * station holds the key, the key is strong enough, and (OCPP 2.0.1 A00, security profile 3)
 * a charging station certificate names the station itself as CN and the operator as O.
 */
export async function checkCsr(
  text: string,
  expect: { stationId: string; use: CertificateSigningUse; organization?: string | undefined },
): Promise<CsrCheck> {
  const der = derOf(text, 'CERTIFICATE REQUEST') ?? derOf(text, 'NEW CERTIFICATE REQUEST')
  if (!der) return refuse('InvalidCSR', 'the CSR is neither PEM nor base64')
  let csr: pkijs.CertificationRequest
  try {
    csr = pkijs.CertificationRequest.fromBER(der)
  } catch {
    return refuse('InvalidCSR', 'the CSR does not parse as PKCS#10')
  }
  if (!(await csr.verify().catch(() => false)))
    return refuse('InvalidSignature', 'the CSR signature does not verify')
  if (!isAcceptableKey(new Uint8Array(csr.subjectPublicKeyInfo.toSchema().toBER(false)))) {
    return refuse('WeakKey', 'the key must be EC P-256/P-384 or RSA of at least 2048 bits')
  }
  const commonName = nameAttribute(csr.subject, OID.CN)
  if (!commonName) return refuse('InvalidCommonName', 'the CSR has no common name')
  if (expect.use === 'ChargingStationCertificate' && commonName !== expect.stationId) {
    return refuse('InvalidCommonName', `CN must be the station identity ${expect.stationId}`)
  }
  if (expect.organization !== undefined && nameAttribute(csr.subject, OID.O) !== expect.organization) {
    return refuse('InvalidOrganization', `O must be ${expect.organization}`)
  }
  return { ok: true, csr, commonName }
}
