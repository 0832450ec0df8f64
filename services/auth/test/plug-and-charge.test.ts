import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { callRpc, upsertIdTokenRpc } from '@csms/bus'
import {
  DEV_CONTRACT_PLACEHOLDER_EXI,
  type DevContractProvider,
  startDevContractProvider,
} from '@csms/testkit'
import { pkijs } from '../src/pki/engine.js'
import { hashDataOf } from '../src/pki/hash-data.js'
import { type Harness, startHarness } from './support/harness.js'
import {
  makeCa,
  makeLeaf,
  type OcspResponder,
  startOcspResponder,
  type TestCert,
} from './support/test-pki.js'

const EMAID = 'DE8ACC123456789'

describe('Plug & Charge over real NATS and PostgreSQL, against a PKI made in the test', () => {
  let h: Harness
  let moRoot: TestCert
  let moSub: TestCert
  let v2gRoot: TestCert
  let ocsp: OcspResponder
  let provider: DevContractProvider

  before(async () => {
    ocsp = await startOcspResponder()
    moRoot = await makeCa([
      ['C', 'DE'],
      ['O', 'Test MO'],
      ['CN', 'Test MO Root'],
    ])
    moSub = await makeCa(
      [
        ['C', 'DE'],
        ['O', 'Test MO'],
        ['CN', 'Test MO Sub-CA'],
      ],
      { issuer: moRoot, ocspUrl: ocsp.url },
    )
    v2gRoot = await makeCa([
      ['O', 'Test V2G'],
      ['CN', 'Test V2G Root'],
    ])
    for (const ca of [moRoot, moSub, v2gRoot]) ocsp.serve(ca)
    // The development provider `./dev up` runs, standing in for a mobility operator's backend.
    provider = await startDevContractProvider({ token: 'provider-secret', remainingContracts: 2 })
    h = await startHarness({
      CSMS_AUTH_V2G_TRUST_ANCHORS_PEM: moRoot.pem + v2gRoot.pem,
      CSMS_AUTH_CONTRACT_PROVIDER_URL: provider.url,
      CSMS_AUTH_CONTRACT_PROVIDER_TOKEN: 'provider-secret',
      // The test's OCSP responder listens on loopback, which production refuses (SSRF).
      CSMS_AUTH_ALLOW_PRIVATE_URLS: 'true',
    })
  })
  after(async () => {
    await h?.stop()
    await ocsp?.stop()
    await provider?.stop()
  })

  it('passes Get15118EVCertificate to the contract-certificate provider and relays its EXI answer', async () => {
    const request = {
      iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef',
      action: 'Install',
      exiRequest: 'RVhJLXJlcXVlc3Q=',
    }
    assert.deepEqual(await h.ok('v201', 'Get15118EVCertificate', 'CS-PNC', request), {
      status: 'Accepted',
      exiResponse: DEV_CONTRACT_PLACEHOLDER_EXI,
    })
    assert.deepEqual(provider.calls.at(-1), {
      authorization: 'Bearer provider-secret',
      body: { stationId: 'CS-PNC', ...request },
      status: 200,
    })
    assert.deepEqual(await h.ok('v21', 'Get15118EVCertificate', 'CS-PNC', request), {
      status: 'Accepted',
      exiResponse: DEV_CONTRACT_PLACEHOLDER_EXI,
      remainingContracts: 2,
    })
    provider.mode = 'unavailable'
    const failed = await h.ok<{ status: string; statusInfo?: { reasonCode: string } }>(
      'v201',
      'Get15118EVCertificate',
      'CS-PNC',
      request,
    )
    provider.mode = 'fail'
    const refused = await h.ok('v201', 'Get15118EVCertificate', 'CS-PNC', request)
    provider.mode = 'accept'
    assert.deepEqual([failed.status, failed.statusInfo?.reasonCode], ['Failed', 'ProviderFailed'])
    assert.deepEqual(refused, { status: 'Failed', exiResponse: '' }, "the provider's own Failed")
  })

  it('answers GetCertificateStatus from OCSP, and from its cache the second time', async () => {
    const secc = await makeLeaf([['CN', 'SECC-1']], v2gRoot, { ocspUrl: ocsp.url })
    const ocspRequestData = { ...(await hashDataOf(secc.cert, v2gRoot.cert)), responderURL: ocsp.url }
    const hits = ocsp.hits
    const first = await h.ok<{ status: string; ocspResult: string }>(
      'v201',
      'GetCertificateStatus',
      'CS-V2G',
      { ocspRequestData },
    )
    assert.equal(first.status, 'Accepted')
    const response = pkijs.OCSPResponse.fromBER(Buffer.from(first.ocspResult, 'base64'))
    assert.deepEqual(await response.getCertificateStatus(secc.cert, v2gRoot.cert), {
      isForCertificate: true,
      status: 0,
    })
    assert.equal(ocsp.hits, hits + 1)
    const second = await h.ok<{ ocspResult: string }>('v201', 'GetCertificateStatus', 'CS-V2G', {
      ocspRequestData,
    })
    assert.equal(second.ocspResult, first.ocspResult)
    assert.equal(ocsp.hits, hits + 1, 'served from the cache')
    const unreachable = await h.ok<{ status: string }>('v201', 'GetCertificateStatus', 'CS-V2G', {
      ocspRequestData: {
        ...ocspRequestData,
        serialNumber: 'abcdef',
        responderURL: 'http://127.0.0.1:1/ocsp',
      },
    })
    assert.equal(unreachable.status, 'Failed')
  })

  describe('Plug & Charge Authorize', () => {
    const contract = (opts: Parameters<typeof makeLeaf>[2] = {}, cn = EMAID, issuer?: TestCert) =>
      makeLeaf([['CN', cn]], issuer ?? moSub, { ocspUrl: ocsp.url, ...opts })
    const authorize = (idToken: string, extra: Record<string, unknown>) =>
      h.ok<{ idTokenInfo: { status: string }; certificateStatus?: string }>('v201', 'Authorize', 'CS-PNC', {
        idToken: { idToken, type: 'eMAID' },
        ...extra,
      })
    const answerOf = (a: { idTokenInfo: { status: string }; certificateStatus?: string }) => [
      a.idTokenInfo.status,
      a.certificateStatus,
    ]

    before(async () => {
      await callRpc(h.nc, upsertIdTokenRpc, { idToken: EMAID, type: 'eMAID', status: 'Accepted' })
    })

    it('accepts a valid contract chain to a trusted MO root whose certificates OCSP calls good', async () => {
      const leaf = await contract()
      const hits = ocsp.hits
      assert.deepEqual(answerOf(await authorize(EMAID, { certificate: leaf.pem + moSub.pem })), [
        'Accepted',
        'Accepted',
      ])
      assert.ok(ocsp.hits >= hits + 2, 'the leaf and the sub-CA were checked')
    })

    it('refuses a revoked, expired, untrusted or mismatched contract certificate', async () => {
      const revoked = await contract()
      ocsp.revoke(revoked)
      assert.deepEqual(answerOf(await authorize(EMAID, { certificate: revoked.pem + moSub.pem })), [
        'Invalid',
        'CertificateRevoked',
      ])

      const expired = await contract({
        notBefore: new Date(Date.now() - 90 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      })
      assert.deepEqual(answerOf(await authorize(EMAID, { certificate: expired.pem + moSub.pem })), [
        'Invalid',
        'CertificateExpired',
      ])

      const rogueRoot = await makeCa([['CN', 'Rogue Root']])
      const rogue = await contract({}, EMAID, rogueRoot)
      assert.deepEqual(answerOf(await authorize(EMAID, { certificate: rogue.pem + rogueRoot.pem })), [
        'Invalid',
        'CertChainError',
      ])

      const missingSub = await contract()
      assert.deepEqual(answerOf(await authorize(EMAID, { certificate: missingSub.pem })), [
        'Invalid',
        'CertChainError',
      ])

      const someoneElse = await contract({}, 'DE8ACC999999999')
      assert.deepEqual(answerOf(await authorize(EMAID, { certificate: someoneElse.pem + moSub.pem })), [
        'Invalid',
        'Accepted',
      ])
    })

    it('checks iso15118CertificateHashData through OCSP when the station validated the chain', async () => {
      const leaf = await contract()
      const hashData = [
        { ...(await hashDataOf(leaf.cert, moSub.cert)), responderURL: ocsp.url },
        { ...(await hashDataOf(moSub.cert, moRoot.cert)), responderURL: ocsp.url },
      ]
      assert.deepEqual(answerOf(await authorize(EMAID, { iso15118CertificateHashData: hashData })), [
        'Accepted',
        'Accepted',
      ])
      const revoked = await contract()
      ocsp.revoke(revoked)
      const revokedData = [{ ...(await hashDataOf(revoked.cert, moSub.cert)), responderURL: ocsp.url }]
      assert.deepEqual(answerOf(await authorize(EMAID, { iso15118CertificateHashData: revokedData })), [
        'Invalid',
        'CertificateRevoked',
      ])
      // A certificate no trusted CA answers for cannot be vouched for.
      const stranger = await makeLeaf([['CN', EMAID]], await makeCa([['CN', 'Unknown CA']]))
      const strangerData = [{ ...(await hashDataOf(stranger.cert, stranger.cert)), responderURL: ocsp.url }]
      assert.deepEqual(answerOf(await authorize(EMAID, { iso15118CertificateHashData: strangerData })), [
        'Invalid',
        'CertChainError',
      ])
    })

    it('answers the eMAID token status once the certificate is fine', async () => {
      await callRpc(h.nc, upsertIdTokenRpc, { idToken: 'DE8ACC000000001', type: 'eMAID', status: 'Blocked' })
      const leaf = await contract({}, 'DE8ACC000000001')
      assert.deepEqual(answerOf(await authorize('DE8ACC000000001', { certificate: leaf.pem + moSub.pem })), [
        'Blocked',
        'Accepted',
      ])
      // The operator typed the printed eMAID; the certificate (and so the station) has it bare.
      await callRpc(h.nc, upsertIdTokenRpc, {
        idToken: 'DE-8AC-C00000000-3',
        type: 'eMAID',
        status: 'Accepted',
      })
      const printed = await contract({}, 'DE8ACC000000003')
      assert.deepEqual(
        answerOf(await authorize('DE8ACC000000003', { certificate: printed.pem + moSub.pem })),
        ['Accepted', 'Accepted'],
      )
      const unknown = await contract({}, 'DE8ACC000000002')
      assert.deepEqual(
        answerOf(await authorize('DE8ACC000000002', { certificate: unknown.pem + moSub.pem })),
        ['Unknown', 'Accepted'],
      )
    })
  })
})
