import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { guardedPost, refusal, UrlRefused } from './guarded-http.js'

describe('guarded HTTP for station-supplied URLs', () => {
  let server: Server
  let base: string
  let hits = 0
  before(async () => {
    server = createServer((req, res) => {
      hits++
      if (req.url === '/redirect') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end()
      if (req.url === '/big') return res.writeHead(200).end(Buffer.alloc(4096))
      res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  const post = (
    url: string,
    allowPrivateAddresses: boolean,
    extra: { allowedHosts?: string[]; maxBytes?: number } = {},
  ) =>
    guardedPost(url, Buffer.from('x'), {
      allowPrivateAddresses,
      ...(extra.allowedHosts ? { allowedHosts: extra.allowedHosts } : {}),
      headers: {},
      timeoutMs: 5_000,
      maxBytes: extra.maxBytes ?? 1024,
    })

  it('refuses loopback and names that resolve to it, without connecting', async () => {
    const before = hits
    await assert.rejects(post(`${base}/ocsp`, false), UrlRefused)
    const port = new URL(base).port
    await assert.rejects(post(`http://localhost:${port}/ocsp`, false), /non-public|not public/)
    assert.equal(hits, before, 'no request reached the server')
  })

  it('reaches a private address only when the test/dev setting allows it', async () => {
    const res = await post(`${base}/ocsp`, true)
    assert.deepEqual([res.status, res.body.toString()], [200, 'ok'])
  })

  it('allows only http and https without credentials, and honours the host allow-list', () => {
    const open = { allowPrivateAddresses: false }
    assert.match(refusal('file:///etc/passwd', open) ?? '', /scheme/)
    assert.match(refusal('gopher://example.com/', open) ?? '', /scheme/)
    assert.match(refusal('http://user:pw@ocsp.example.com/', open) ?? '', /credentials/)
    assert.equal(refusal('http://ocsp.example.com/', open), undefined)
    const listed = { allowPrivateAddresses: false, allowedHosts: ['example.com'] }
    assert.equal(refusal('http://ocsp.example.com/', listed), undefined)
    assert.match(refusal('http://ocsp.evil.test/', listed) ?? '', /allow-list/)
  })

  it('follows no redirect and caps the response size', async () => {
    const redirected = await post(`${base}/redirect`, true)
    assert.equal(redirected.status, 302)
    await assert.rejects(post(`${base}/big`, true, { maxBytes: 100 }), /larger than/)
  })
})
