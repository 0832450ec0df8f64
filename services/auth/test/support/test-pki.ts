import { createHash, webcrypto } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as asn1js from 'asn1js'
import { buildCertificate, EKU, subjectKeyIdOf } from '../../src/pki/certificate-builder.js'
import { pkijs } from '../../src/pki/engine.js'
import { distinguishedName } from '../../src/pki/names.js'
import { toPem } from '../../src/pki/pem.js'

// A PKI made in the test: CAs, leaves, CSRs and an OCSP responder, all through PKI.js.

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const
type Keys = webcrypto.CryptoKeyPair
type Name = Parameters<typeof distinguishedName>[0]

export type TestCert = { cert: pkijs.Certificate; pem: string; keys: Keys; keyPem: string }

export const newKeys = () => webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<Keys>

async function publicKeyInfo(keys: Keys): Promise<pkijs.PublicKeyInfo> {
  const spki = await webcrypto.subtle.exportKey('spki', keys.publicKey)
  return pkijs.PublicKeyInfo.fromBER(spki)
}

async function finish(cert: pkijs.Certificate, keys: Keys): Promise<TestCert> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return {
    cert,
    pem: toPem(cert.toSchema(true).toBER(false), 'CERTIFICATE'),
    keys,
    keyPem: toPem(new Uint8Array(pkcs8), 'PRIVATE KEY'),
  }
}

const DAY = 86_400_000

/** A CA: self-signed root without `issuer`, else a sub-CA signed by it. */
export async function makeCa(
  name: Name,
  opts: { issuer?: TestCert; ocspUrl?: string } = {},
): Promise<TestCert> {
  const keys = await newKeys()
  const subject = distinguishedName(name)
  const cert = await buildCertificate({
    subject,
    issuer: opts.issuer ? opts.issuer.cert.subject : subject,
    publicKey: await publicKeyInfo(keys),
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
    ...(opts.issuer ? { issuerKeyId: subjectKeyIdOf(opts.issuer.cert) } : {}),
    ...(opts.ocspUrl ? { ocspUrl: opts.ocspUrl } : {}),
    signingKey: (opts.issuer?.keys ?? keys).privateKey,
    hash: 'SHA-256',
  })
  return finish(cert, keys)
}

/** An end-entity certificate (a contract certificate has the eMAID as CN). */
export async function makeLeaf(
  name: Name,
  issuer: TestCert,
  opts: { ocspUrl?: string; notBefore?: Date; notAfter?: Date } = {},
): Promise<TestCert> {
  const keys = await newKeys()
  const cert = await buildCertificate({
    subject: distinguishedName(name),
    issuer: issuer.cert.subject,
    publicKey: await publicKeyInfo(keys),
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
    ca: false,
    keyUsage: ['digitalSignature', 'keyAgreement'],
    extendedKeyUsage: [EKU.clientAuth],
    issuerKeyId: subjectKeyIdOf(issuer.cert),
    ...(opts.ocspUrl ? { ocspUrl: opts.ocspUrl } : {}),
    signingKey: issuer.keys.privateKey,
    hash: 'SHA-256',
  })
  return finish(cert, keys)
}

/** A PKCS#10 CSR as a station makes one. */
export async function makeCsr(
  name: Name,
  keys?: Keys,
): Promise<{ pem: string; der: Uint8Array; keys: Keys }> {
  const k = keys ?? (await newKeys())
  const csr = new pkijs.CertificationRequest()
  csr.subject = distinguishedName(name)
  csr.subjectPublicKeyInfo = await publicKeyInfo(k)
  await csr.sign(k.privateKey as unknown as Parameters<pkijs.CertificationRequest['sign']>[0], 'SHA-256')
  const der = new Uint8Array(csr.toSchema().toBER(false))
  return { pem: toPem(der, 'CERTIFICATE REQUEST'), der, keys: k }
}

const serialHex = (c: pkijs.Certificate) =>
  Buffer.from(c.serialNumber.valueBlock.valueHexView)
    .toString('hex')
    .replace(/^0+(?=.)/, '')
const keyHash = (c: pkijs.Certificate) =>
  createHash('sha256').update(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest('hex')

export type OcspResponder = {
  url: string
  /** Requests answered so far. */
  hits: number
  serve(ca: TestCert): void
  revoke(cert: TestCert): void
  stop(): Promise<void>
}

/** An RFC 6960 responder on 127.0.0.1 for the CAs it serves; it signs as the issuing CA. */
export async function startOcspResponder(): Promise<OcspResponder> {
  const cas = new Map<string, TestCert>()
  const revoked = new Set<string>()
  const state = { hits: 0 }
  const answer = async (body: Buffer): Promise<Buffer> => {
    const request = pkijs.OCSPRequest.fromBER(body)
    const [first] = request.tbsRequest.requestList
    const certId = first?.reqCert
    const issuer =
      certId && cas.get(Buffer.from(certId.issuerKeyHash.valueBlock.valueHexView).toString('hex'))
    if (!certId || !issuer) {
      return Buffer.from(
        new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: 6 }) })
          .toSchema()
          .toBER(false),
      )
    }
    const serial = Buffer.from(certId.serialNumber.valueBlock.valueHexView)
      .toString('hex')
      .replace(/^0+(?=.)/, '')
    const isRevoked = revoked.has(`${keyHash(issuer.cert)}:${serial}`)
    const basic = new pkijs.BasicOCSPResponse()
    basic.tbsResponseData.responderID = issuer.cert.subject
    basic.tbsResponseData.producedAt = new Date()
    basic.tbsResponseData.responses.push(
      new pkijs.SingleResponse({
        certID: certId,
        certStatus: isRevoked
          ? new asn1js.Constructed({
              idBlock: { tagClass: 3, tagNumber: 1 },
              value: [new asn1js.GeneralizedTime({ valueDate: new Date(Date.now() - 60_000) })],
            })
          : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } }),
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 3_600_000),
      }),
    )
    basic.certs = [issuer.cert]
    await basic.sign(
      issuer.keys.privateKey as unknown as Parameters<pkijs.BasicOCSPResponse['sign']>[0],
      'SHA-256',
    )
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: 0 }),
      responseBytes: new pkijs.ResponseBytes({
        responseType: '1.3.6.1.5.5.7.48.1.1',
        response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
      }),
    })
    return Buffer.from(response.toSchema().toBER(false))
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      state.hits++
      answer(Buffer.concat(chunks)).then(
        (der) => res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(der),
        () => res.writeHead(400).end(),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/ocsp`,
    get hits() {
      return state.hits
    },
    serve: (ca) => cas.set(keyHash(ca.cert), ca),
    revoke: (leaf) => {
      const issuer = [...cas.values()].find((ca) => ca.cert.subject.isEqual(leaf.cert.issuer))
      if (issuer) revoked.add(`${keyHash(issuer.cert)}:${serialHex(leaf.cert)}`)
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
