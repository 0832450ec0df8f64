import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { identify, type TlsFacts } from './client-identity.js'
import { parseDn, single } from './distinguished-name.js'

const facts = (over: Partial<TlsFacts> = {}): TlsFacts => ({
  tlsHere: false,
  viaProxy: true,
  forwardedProto: '',
  clientVerify: '',
  clientSubject: '',
  ...over,
})
const ORG = 'ACME CPO'
const viaCert = (subject: string) =>
  facts({ clientVerify: 'SUCCESS', clientSubject: subject, forwardedProto: 'https' })

describe('security profile of a connection', () => {
  it('is 1 for a password over plain ws, 2 over TLS here or at a trusted proxy, 0 without either', () => {
    assert.deepEqual(identify('CS-1', facts(), true, ORG), { ok: true, presentedProfile: 1 })
    assert.deepEqual(identify('CS-1', facts({ forwardedProto: 'https' }), true, ORG), {
      ok: true,
      presentedProfile: 2,
    })
    assert.deepEqual(identify('CS-1', facts({ tlsHere: true, viaProxy: false }), true, ORG), {
      ok: true,
      presentedProfile: 2,
    })
    assert.deepEqual(identify('CS-1', facts(), false, ORG), { ok: true, presentedProfile: 0 })
  })

  it('is 3 only with a proxy-verified certificate whose CN and O match', () => {
    assert.deepEqual(identify('CS-1', viaCert('CN=CS-1,O=ACME CPO'), false, ORG), {
      ok: true,
      presentedProfile: 3,
    })
    assert.deepEqual(identify('CS-1', viaCert('/C=DE/O=ACME CPO/CN=CS-1'), false, ORG), {
      ok: true,
      presentedProfile: 3,
    })
    for (const subject of [
      'CN=CS-2,O=ACME CPO',
      'CN=CS-1,O=Other',
      'O=ACME CPO',
      'CN=CS-1,CN=CS-2,O=ACME CPO',
    ]) {
      const result = identify('CS-1', viaCert(subject), false, ORG)
      assert.equal(result.ok, false, subject)
      assert.equal(!result.ok && result.status, 403)
    }
  })

  it('refuses client certificates when no operator organization is configured', () => {
    assert.equal(identify('CS-1', viaCert('CN=CS-1,O=ACME CPO'), false, undefined).ok, false)
  })

  it('ignores forwarded TLS headers from an address that is not a trusted proxy', () => {
    const spoofed = facts({ viaProxy: false, clientVerify: 'SUCCESS', clientSubject: 'CN=CS-1,O=ACME CPO' })
    assert.deepEqual(identify('CS-1', { ...spoofed, forwardedProto: 'https' }, false, ORG), {
      ok: true,
      presentedProfile: 0,
    })
    assert.deepEqual(identify('CS-1', { ...spoofed, forwardedProto: 'https' }, true, ORG), {
      ok: true,
      presentedProfile: 1,
    })
  })

  it('treats a failed or absent proxy verification as no certificate', () => {
    const failed = facts({
      clientVerify: 'FAILED:certificate has expired',
      clientSubject: 'CN=CS-1,O=ACME CPO',
    })
    assert.deepEqual(identify('CS-1', failed, false, ORG), { ok: true, presentedProfile: 0 })
  })
})

describe('distinguished names', () => {
  it('parses both notations', () => {
    const rfc = parseDn('CN=a\\,b,O=x')
    assert.equal(single(rfc, 'CN'), 'a,b')
    assert.equal(single(rfc, 'o'), 'x')
    const legacy = parseDn('/C=DE/O=ACME/CN=CS-9')
    assert.equal(single(legacy, 'CN'), 'CS-9')
    assert.equal(single(legacy, 'O'), 'ACME')
  })

  it('does not let an escaped comma forge a second attribute', () => {
    const dn = parseDn('CN=CS-2,O=ACME\\,CN=CS-1')
    assert.deepEqual(dn.get('CN'), ['CS-2'])
    assert.equal(single(dn, 'O'), 'ACME,CN=CS-1')
  })

  it('decodes hex escapes as UTF-8 and splits multi-valued RDNs', () => {
    const dn = parseDn('CN=Z\\C3\\BCrich-1+serialNumber=7,O=Stadtwerke \\2B Co')
    assert.equal(single(dn, 'CN'), 'Zürich-1')
    assert.equal(single(dn, 'SERIALNUMBER'), '7')
    assert.equal(single(dn, 'O'), 'Stadtwerke + Co')
  })

  it('keeps repeated attributes so a caller can refuse them', () => {
    assert.equal(single(parseDn('CN=A,CN=B'), 'CN'), undefined)
  })
})
