import * as asn1js from 'asn1js'
import type { Clock } from '../domain/clock.js'
import { guardedPost, type UrlPolicy } from '../net/guarded-http.js'
import { pkijs } from './engine.js'

/** OCPP's OCSPRequestDataType: which certificate, and where its issuer answers about it. */
export type OcspRequestData = {
  hashAlgorithm: 'SHA256' | 'SHA384' | 'SHA512'
  issuerNameHash: string
  issuerKeyHash: string
  serialNumber: string
  responderURL: string
}

export type CertStatus = 'good' | 'revoked' | 'unknown'
export type OcspAnswer =
  | { ok: true; der: Buffer; basic: pkijs.BasicOCSPResponse; status: CertStatus; fromCache: boolean }
  | { ok: false; reason: string }

export type OcspClient = { query(data: OcspRequestData): Promise<OcspAnswer> }

const HASH_OID = {
  SHA256: '2.16.840.1.101.3.4.2.1',
  SHA384: '2.16.840.1.101.3.4.2.2',
  SHA512: '2.16.840.1.101.3.4.2.3',
} as const
const BASIC_OCSP = '1.3.6.1.5.5.7.48.1.1'
// Without nextUpdate a responder promises nothing: keep its answer only briefly.
const NO_NEXT_UPDATE_TTL_MS = 5 * 60_000

/** OCPP gives the serial as hex without leading zeroes; DER needs a 00 before a high bit. */
export function serialBytes(hex: string): Uint8Array {
  let h = hex
    .replace(/^0x/i, '')
    .replace(/^0+(?=.)/, '')
    .toLowerCase()
  if (h.length % 2) h = `0${h}`
  const bytes = Buffer.from(h, 'hex')
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes
}

export function certIdOf(data: Omit<OcspRequestData, 'responderURL'>): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: HASH_OID[data.hashAlgorithm],
      algorithmParams: new asn1js.Null(),
    }),
    issuerNameHash: new asn1js.OctetString({ valueHex: Buffer.from(data.issuerNameHash, 'hex') }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: Buffer.from(data.issuerKeyHash, 'hex') }),
    serialNumber: new asn1js.Integer({ valueHex: serialBytes(data.serialNumber) }),
  })
}

function statusOf(single: pkijs.SingleResponse): CertStatus {
  const tag = (single.certStatus as { idBlock?: { tagNumber?: number } }).idBlock?.tagNumber
  return tag === 0 ? 'good' : tag === 1 ? 'revoked' : 'unknown'
}

/** Reads a DER OCSPResponse: the basic response and the status of the certificate asked about. */
export function readOcspResponse(der: Uint8Array, certId: pkijs.CertID) {
  const response = pkijs.OCSPResponse.fromBER(der)
  const code = response.responseStatus.valueBlock.valueDec
  if (code !== 0) throw new Error(`responder answered status ${code}`)
  if (response.responseBytes?.responseType !== BASIC_OCSP) throw new Error('not a basic OCSP response')
  const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView)
  const single = basic.tbsResponseData.responses.find((r) => r.certID.isEqual(certId))
  if (!single) throw new Error('the response is about another certificate')
  return { basic, single, status: statusOf(single) }
}

/** Whether a basic OCSP response is signed by a responder that chains to `trusted`. */
export async function verifyOcspSignature(basic: pkijs.BasicOCSPResponse, trusted: pkijs.Certificate[]) {
  const candidate = new pkijs.BasicOCSPResponse({
    tbsResponseData: basic.tbsResponseData,
    signatureAlgorithm: basic.signatureAlgorithm,
    signature: basic.signature,
    certs: [...(basic.certs ?? []), ...trusted],
  })
  return candidate.verify({ trustedCerts: trusted }).catch(() => false)
}

/**
 * Asks OCSP responders (RFC 6960, HTTP POST) and caches each answer until its nextUpdate,
 * at most `cacheMaxMs`. Responder URLs come from stations and certificates, so they go
 * through the SSRF policy. Concurrent questions about one certificate share one request.
 */
export function createOcspClient(opts: {
  policy: UrlPolicy
  timeoutMs: number
  cacheMaxMs: number
  clock: Clock
  maxEntries?: number
}): OcspClient {
  const cache = new Map<string, { der: Buffer; expires: number }>()
  const inFlight = new Map<string, Promise<OcspAnswer>>()
  const maxEntries = opts.maxEntries ?? 10_000

  async function fetchAnswer(key: string, data: OcspRequestData, certId: pkijs.CertID): Promise<OcspAnswer> {
    const request = new pkijs.OCSPRequest()
    request.tbsRequest.requestList = [new pkijs.Request({ reqCert: certId })]
    let der: Buffer
    try {
      const res = await guardedPost(data.responderURL, new Uint8Array(request.toSchema(true).toBER(false)), {
        ...opts.policy,
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        timeoutMs: opts.timeoutMs,
        maxBytes: 64 * 1024,
      })
      if (res.status !== 200) return { ok: false, reason: `responder answered HTTP ${res.status}` }
      der = res.body
    } catch (error) {
      return { ok: false, reason: (error as Error).message }
    }
    try {
      const { basic, single, status } = readOcspResponse(der, certId)
      const now = opts.clock().getTime()
      const next = single.nextUpdate?.getTime() ?? now + NO_NEXT_UPDATE_TTL_MS
      const expires = Math.min(next, now + opts.cacheMaxMs)
      if (expires > now) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string)
        cache.set(key, { der, expires })
      }
      return { ok: true, der, basic, status, fromCache: false }
    } catch (error) {
      return { ok: false, reason: `unreadable OCSP response: ${(error as Error).message}` }
    }
  }

  return {
    async query(data) {
      const certId = certIdOf(data)
      // The responder is part of the key: one station's answer never serves another's question.
      const key = [
        data.responderURL,
        data.hashAlgorithm,
        data.issuerNameHash.toLowerCase(),
        data.issuerKeyHash.toLowerCase(),
        Buffer.from(serialBytes(data.serialNumber)).toString('hex'),
      ].join(':')
      const hit = cache.get(key)
      if (hit && hit.expires > opts.clock().getTime()) {
        const { basic, status } = readOcspResponse(hit.der, certId)
        return { ok: true, der: hit.der, basic, status, fromCache: true }
      }
      const pending = inFlight.get(key)
      if (pending) return pending
      const p = fetchAnswer(key, data, certId).finally(() => inFlight.delete(key))
      inFlight.set(key, p)
      return p
    },
  }
}
