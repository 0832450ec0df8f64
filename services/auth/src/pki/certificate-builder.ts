import { createHash, randomBytes, type webcrypto } from 'node:crypto'
import * as asn1js from 'asn1js'
import { pkijs } from './engine.js'

const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const
export type KeyUsageName = keyof typeof KEY_USAGE_BITS

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
}
const EXT = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const
const OCSP_ACCESS_METHOD = '1.3.6.1.5.5.7.48.1'

export type CertificateParams = {
  subject: pkijs.RelativeDistinguishedNames
  issuer: pkijs.RelativeDistinguishedNames
  publicKey: pkijs.PublicKeyInfo
  notBefore: Date
  notAfter: Date
  ca: boolean
  keyUsage: KeyUsageName[]
  extendedKeyUsage?: string[]
  /** Written into Authority Information Access, where relying parties ask about revocation. */
  ocspUrl?: string
  /** The issuer's subject key identifier (none for a self-signed certificate). */
  issuerKeyId?: Uint8Array
  signingKey: webcrypto.CryptoKey
  hash: 'SHA-256' | 'SHA-384'
  serialNumber?: Uint8Array
}

/** A positive, random 16-byte serial number (RFC 5280 allows up to 20 bytes). */
export function randomSerial(): Uint8Array {
  const bytes = randomBytes(16)
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10
  return bytes
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKey: pkijs.PublicKeyInfo): Uint8Array {
  return createHash('sha1').update(publicKey.subjectPublicKey.valueBlock.valueHexView).digest()
}

function keyUsageBits(names: KeyUsageName[]): asn1js.BitString {
  let byte = 0
  let highest = 0
  for (const n of names) {
    const bit = KEY_USAGE_BITS[n]
    byte |= 0x80 >> bit
    highest = Math.max(highest, bit)
  }
  return new asn1js.BitString({ valueHex: Uint8Array.of(byte), unusedBits: 7 - highest })
}

const ext = (extnID: string, critical: boolean, value: asn1js.BaseBlock) =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) })

/** Builds and signs an X.509 v3 certificate through PKI.js. */
export async function buildCertificate(p: CertificateParams): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate()
  cert.version = 2
  cert.serialNumber = new asn1js.Integer({ valueHex: p.serialNumber ?? randomSerial() })
  cert.issuer = p.issuer
  cert.subject = p.subject
  cert.notBefore.value = p.notBefore
  cert.notAfter.value = p.notAfter
  cert.subjectPublicKeyInfo = p.publicKey
  const extensions = [
    ext(EXT.basicConstraints, true, new pkijs.BasicConstraints({ cA: p.ca }).toSchema()),
    ext(EXT.keyUsage, true, keyUsageBits(p.keyUsage)),
    ext(EXT.subjectKeyId, false, new asn1js.OctetString({ valueHex: keyIdentifier(p.publicKey) })),
  ]
  if (p.issuerKeyId) {
    const aki = new pkijs.AuthorityKeyIdentifier({
      keyIdentifier: new asn1js.OctetString({ valueHex: p.issuerKeyId }),
    })
    extensions.push(ext(EXT.authorityKeyId, false, aki.toSchema()))
  }
  if (p.extendedKeyUsage?.length) {
    extensions.push(
      ext(EXT.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: p.extendedKeyUsage }).toSchema()),
    )
  }
  if (p.ocspUrl) {
    const aia = new pkijs.InfoAccess({
      accessDescriptions: [
        new pkijs.AccessDescription({
          accessMethod: OCSP_ACCESS_METHOD,
          accessLocation: new pkijs.GeneralName({ type: 6, value: p.ocspUrl }),
        }),
      ],
    })
    extensions.push(ext(EXT.authorityInfoAccess, false, aia.toSchema()))
  }
  cert.extensions = extensions
  await cert.sign(p.signingKey as unknown as Parameters<pkijs.Certificate['sign']>[0], p.hash)
  return cert
}

/** The subject key identifier a certificate carries, or one computed from its key. */
export function subjectKeyIdOf(cert: pkijs.Certificate): Uint8Array {
  const found = cert.extensions?.find((e) => e.extnID === EXT.subjectKeyId)
  const parsed = found?.parsedValue as asn1js.OctetString | undefined
  return parsed?.valueBlock?.valueHexView ?? keyIdentifier(cert.subjectPublicKeyInfo)
}
