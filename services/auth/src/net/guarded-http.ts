import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isPublicAddress } from './address-policy.js'

export type UrlPolicy = {
  /** Only for tests and local development: lets URLs reach loopback and private addresses. */
  allowPrivateAddresses: boolean
  /** When set, only these host names (or their subdomains) may be reached. */
  allowedHosts?: readonly string[] | undefined
}

export type HttpResponse = { status: number; contentType: string; body: Buffer }

export class UrlRefused extends Error {
  override readonly name = 'UrlRefused'
}

/**
 * Why a URL may not be fetched, or undefined when it may. Schemes are http and https only,
 * without credentials; hosts must be on the allow-list when one is configured.
 */
export function refusal(raw: string, policy: UrlPolicy): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not allowed`
  if (url.username || url.password) return 'credentials in URLs are not allowed'
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (policy.allowedHosts?.length && !policy.allowedHosts.some((h) => host === h || host.endsWith(`.${h}`))) {
    return `host ${host} is not on the allow-list`
  }
  if (isIP(host) && !policy.allowPrivateAddresses && !isPublicAddress(host))
    return `address ${host} is not public`
  return undefined
}

/**
 * POSTs to a URL that came from a station or a certificate (SSRF-safe): the policy above, the
 * name resolved once and every address checked (so DNS cannot rebind it to an internal one),
 * no redirects followed, a deadline and a cap on the response size.
 */
export async function guardedPost(
  raw: string,
  body: Uint8Array,
  opts: UrlPolicy & { headers: Record<string, string>; timeoutMs: number; maxBytes: number },
): Promise<HttpResponse> {
  const why = refusal(raw, opts)
  if (why) throw new UrlRefused(why)
  const url = new URL(raw)
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0)
      const list = addresses as unknown as LookupAddress[]
      const bad = list.find((a) => !opts.allowPrivateAddresses && !isPublicAddress(a.address))
      const first = list[0]
      if (bad || !first)
        return callback(new UrlRefused(`${hostname} resolves to a non-public address`), '', 0)
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list)
      callback(null, first.address, first.family)
    })
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      req.destroy()
      reject(error)
    }
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup,
        headers: { ...opts.headers, 'content-length': String(body.byteLength) },
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > opts.maxBytes) fail(new Error(`response larger than ${opts.maxBytes} bytes`))
          else chunks.push(chunk)
        })
        res.on('error', fail)
        res.on('end', () => {
          if (settled) return
          settled = true
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          })
        })
      },
    )
    req.on('error', fail)
    req.end(body)
  })
}
