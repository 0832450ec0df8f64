import assert from 'node:assert/strict'
import { createPublicKey, webcrypto, X509Certificate } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  deleteInstalledCertificateRpc,
  getCertificateAuthorityRpc,
  installCertificateRpc,
  listInstalledCertificatesRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { hashDataOf } from '../src/pki/hash-data.js'
import { pemBlocks } from '../src/pki/pem.js'
import { type FakeStation, fakeStation, type Harness, startHarness } from './support/harness.js'
import { makeCa, makeCsr, type TestCert } from './support/test-pki.js'

describe('the CSMS certificate authority and station certificates over real NATS and PostgreSQL', () => {
  let h: Harness
  let dir: string
  let csmsCa: TestCert
  let v2gRoot: TestCert
  const fakes: FakeStation[] = []

  before(async () => {
    csmsCa = await makeCa([
      ['O', 'CSMS Test'],
      ['CN', 'CSMS Test CA'],
    ])
    v2gRoot = await makeCa([
      ['O', 'Test V2G'],
      ['CN', 'Test V2G Root'],
    ])
    // The CA key as operators mount it: a PEM file readable by the service only.
    dir = await mkdtemp(join(tmpdir(), 'auth-ca-'))
    await writeFile(join(dir, 'ca.pem'), csmsCa.pem)
    await writeFile(join(dir, 'ca.key'), csmsCa.keyPem, { mode: 0o600 })
    h = await startHarness({
      CSMS_AUTH_CA_CERT_FILE: join(dir, 'ca.pem'),
      CSMS_AUTH_CA_KEY_FILE: join(dir, 'ca.key'),
      CSMS_AUTH_CERT_ORGANIZATION: 'CSMS Test',
    })
  })
  after(async () => {
    for (const f of fakes) f.stop()
    await h?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const station = (id: string, answers: Parameters<typeof fakeStation>[2]) => {
    const f = fakeStation(h.nc, id, answers)
    fakes.push(f)
    return f
  }

  it('signs a station CSR with the CSMS CA and sends it with CertificateSigned; node:crypto validates it', async () => {
    await h.online('CS-CERT')
    const s = station('CS-CERT', { CertificateSigned: () => ({ status: 'Accepted' }) })
    const csr = await makeCsr([
      ['O', 'CSMS Test'],
      ['CN', 'CS-CERT'],
    ])
    assert.deepEqual(
      await h.ok('v201', 'SignCertificate', 'CS-CERT', {
        csr: csr.pem,
        certificateType: 'ChargingStationCertificate',
      }),
      {
        status: 'Accepted',
      },
    )
    const [signed] = await s.received('CertificateSigned')
    assert.equal(signed?.payload.certificateType, 'ChargingStationCertificate')
    const [leafDer, ...rest] = pemBlocks(String(signed?.payload.certificateChain), 'CERTIFICATE')
    assert.ok(leafDer)
    assert.equal(rest.length, 0, 'a self-signed root is not sent along')
    const leaf = new X509Certificate(leafDer)
    const ca = new X509Certificate(csmsCa.pem)
    assert.equal(leaf.verify(ca.publicKey), true)
    assert.equal(leaf.checkIssued(ca), true)
    assert.equal(leaf.verify(new X509Certificate((await makeCa([['CN', 'Other CA']])).pem).publicKey), false)
    assert.match(leaf.subject, /CN=CS-CERT/)
    assert.match(leaf.subject, /O=CSMS Test/)
    assert.equal(leaf.ca, false)
    assert.ok(
      Date.parse(leaf.validFrom) <= Date.now() && Date.parse(leaf.validTo) > Date.now() + 300 * 86_400_000,
    )
    const csrKey = createPublicKey({
      key: Buffer.from(await webcrypto.subtle.exportKey('spki', csr.keys.publicKey)),
      format: 'der',
      type: 'spki',
    })
    assert.ok(
      leaf.publicKey
        .export({ type: 'spki', format: 'der' })
        .equals(csrKey.export({ type: 'spki', format: 'der' })),
    )
    await waitFor(
      async () =>
        (
          await h.db
            .selectFrom('issued_certificates')
            .select('delivery_status')
            .where('station_id', '=', 'CS-CERT')
            .executeTakeFirst()
        )?.delivery_status === 'Accepted',
      { timeoutMs: 20_000, description: 'delivery recorded' },
    )
    const authority = await callRpc(h.nc, getCertificateAuthorityRpc, {})
    assert.equal(new X509Certificate(authority.certificate ?? '').fingerprint256, ca.fingerprint256)
  })

  it('refuses a CSR for another identity, of another organization, with a forged signature, or garbage', async () => {
    await h.online('CS-BAD')
    const s = station('CS-BAD', { CertificateSigned: () => ({ status: 'Accepted' }) })
    const sign = (csr: string) =>
      h.ok<{ status: string; statusInfo?: { reasonCode: string } }>('v201', 'SignCertificate', 'CS-BAD', {
        csr,
      })
    const other = await makeCsr([
      ['O', 'CSMS Test'],
      ['CN', 'CS-SOMEONE-ELSE'],
    ])
    assert.deepEqual((await sign(other.pem)).statusInfo?.reasonCode, 'InvalidCommonName')
    const wrongOrg = await makeCsr([
      ['O', 'Other CPO'],
      ['CN', 'CS-BAD'],
    ])
    assert.deepEqual((await sign(wrongOrg.pem)).statusInfo?.reasonCode, 'InvalidOrganization')
    const good = await makeCsr([
      ['O', 'CSMS Test'],
      ['CN', 'CS-BAD'],
    ])
    const forged = Buffer.from(good.der)
    forged[forged.length - 2] = (forged[forged.length - 2] ?? 0) ^ 0xff
    const forgedAnswer = await sign(forged.toString('base64'))
    assert.equal(forgedAnswer.status, 'Rejected')
    assert.ok(['InvalidSignature', 'InvalidCSR'].includes(forgedAnswer.statusInfo?.reasonCode ?? ''))
    assert.deepEqual((await sign('not a csr at all')).statusInfo?.reasonCode, 'InvalidCSR')
    assert.equal(s.calls.length, 0, 'nothing was signed')
  })

  it('installs, lists and deletes certificates on a station', async () => {
    await h.online('CS-ROOTS')
    const hash = await hashDataOf(v2gRoot.cert, v2gRoot.cert)
    const s = station('CS-ROOTS', {
      InstallCertificate: () => ({ status: 'Accepted' }),
      GetInstalledCertificateIds: () => ({
        status: 'Accepted',
        certificateHashDataChain: [{ certificateType: 'V2GRootCertificate', certificateHashData: hash }],
      }),
      DeleteCertificate: () => ({ status: 'Accepted' }),
    })
    assert.deepEqual(
      await callRpc(h.nc, installCertificateRpc, {
        stationId: 'CS-ROOTS',
        certificateType: 'V2GRootCertificate',
        certificate: v2gRoot.pem,
      }),
      { status: 'Accepted' },
    )
    assert.deepEqual((await s.received('InstallCertificate'))[0]?.payload, {
      certificateType: 'V2GRootCertificate',
      certificate: v2gRoot.pem,
    })
    const listed = await callRpc(h.nc, listInstalledCertificatesRpc, {
      stationId: 'CS-ROOTS',
      certificateTypes: ['V2GRootCertificate'],
    })
    assert.deepEqual(listed, {
      status: 'Accepted',
      certificates: [{ ...hash, certificateType: 'V2GRootCertificate', childCertificateHashData: [] }],
    })
    assert.deepEqual(
      await callRpc(h.nc, deleteInstalledCertificateRpc, {
        stationId: 'CS-ROOTS',
        serialNumber: hash.serialNumber.toUpperCase(),
      }),
      { status: 'Accepted' },
    )
    assert.deepEqual((await s.received('DeleteCertificate'))[0]?.payload, { certificateHashData: hash })
    await assert.rejects(
      callRpc(h.nc, deleteInstalledCertificateRpc, {
        stationId: 'CS-ROOTS',
        serialNumber: hash.serialNumber,
      }),
      (e: Error & { code?: string }) => e.code === 'not_found',
    )
  })

  it("refuses a certificate type the station's version does not know, and sends nothing", async () => {
    await h.online('CS-TYPES-201')
    await h.online('CS-TYPES-16', 'ocpp1.6')
    const answers = {
      InstallCertificate: () => ({ status: 'Accepted' }),
      GetInstalledCertificateIds: () => ({ status: 'NotFound' }),
    }
    const modern = station('CS-TYPES-201', answers)
    const legacy = station('CS-TYPES-16', answers)
    const invalid = (e: Error & { code?: string }) => e.code === 'invalid_input'
    // Each version's name for the CSMS root is the other's unknown value.
    for (const [stationId, certificateType] of [
      ['CS-TYPES-201', 'CentralSystemRootCertificate'],
      ['CS-TYPES-16', 'CSMSRootCertificate'],
    ] as const) {
      await assert.rejects(
        callRpc(h.nc, installCertificateRpc, { stationId, certificateType, certificate: v2gRoot.pem }),
        invalid,
      )
      await assert.rejects(
        callRpc(h.nc, listInstalledCertificatesRpc, {
          stationId,
          certificateTypes: ['ManufacturerRootCertificate', certificateType],
        }),
        invalid,
      )
    }
    assert.deepEqual([modern.calls, legacy.calls], [[], []])
    assert.deepEqual(
      await callRpc(h.nc, installCertificateRpc, {
        stationId: 'CS-TYPES-16',
        certificateType: 'CentralSystemRootCertificate',
        certificate: v2gRoot.pem,
      }),
      { status: 'Accepted' },
    )
  })
})
