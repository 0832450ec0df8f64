import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { createTempDir, runCommand, type TempDir } from '@csms/testkit'
import {
  assertGuarded,
  callAs,
  callsOf,
  jsonOf,
  problemOf,
  queryRows,
  useApiPlatform,
} from './operator-api-support.js'
import type { E2ePlatform } from './platform-fixture.js'

type Installed = {
  certificateType: string
  hashAlgorithm: string
  issuerNameHash: string
  issuerKeyHash: string
  serialNumber: string
  childCertificateHashData: unknown[]
}

const hashData = (serialNumber: string) => ({
  hashAlgorithm: 'SHA256',
  issuerNameHash: 'a'.repeat(64),
  issuerKeyHash: 'b'.repeat(64),
  serialNumber,
})

/** A self-signed CA made with the openssl CLI: the CSMS CA, and a certificate to install. */
async function makeCa(dir: string): Promise<{ certPem: string; keyPem: string }> {
  const cert = join(dir, 'ca.pem')
  const key = join(dir, 'ca.key')
  await runCommand('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/O=CSMS E2E/CN=CSMS E2E CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  return { certPem: await readFile(cert, 'utf8'), keyPem: await readFile(key, 'utf8') }
}

describe('operator API: certificates on stations and the CSMS certificate authority', () => {
  let platform: E2ePlatform
  let temp: TempDir
  let ca: { certPem: string; keyPem: string }
  let reader: string
  let commander: string
  const station = useApiPlatform(
    async () => {
      temp = await createTempDir('csms-e2e-ca-')
      ca = await makeCa(temp.path)
      return {
        CSMS_API_COMMAND_TIMEOUT_MS: '2000',
        CSMS_AUTH_STATION_CALL_TIMEOUT_MS: '2000',
        CSMS_AUTH_CA_CERT_PEM: ca.certPem,
        CSMS_AUTH_CA_KEY_PEM: ca.keyPem,
      }
    },
    (s) => ({ platform, reader, commander } = s),
  )
  after(async () => {
    await temp?.remove()
  })
  const list = (id: string, query = '') => callAs(platform, reader, `/v1/stations/${id}/certificates${query}`)
  const install = (id: string, body: unknown) =>
    platform.api(`/v1/stations/${id}/certificates`, { method: 'POST', body: JSON.stringify(body) })
  const remove = (id: string, serial: string) =>
    platform.api(`/v1/stations/${id}/certificates/${serial}`, { method: 'DELETE' })
  const stored = (id: string) =>
    queryRows<{ certificate_type: string; serial_number: string }>(
      platform,
      `select certificate_type, serial_number from auth.station_certificates where station_id = '${id}' order by serial_number`,
    )

  it('guards the certificate routes: no token, a wrong token, too small a scope', async () => {
    await assertGuarded(platform, '/v1/stations/C-G/certificates', {}, undefined)
    const body = {
      method: 'POST',
      body: JSON.stringify({ certificateType: 'V2GRootCertificate', certificate: 'x' }),
    }
    await assertGuarded(platform, '/v1/stations/C-G/certificates', body, { token: commander, needs: 'admin' })
    await assertGuarded(
      platform,
      '/v1/stations/C-G/certificates/0A',
      { method: 'DELETE' },
      { token: commander, needs: 'admin' },
    )
    await assertGuarded(platform, '/v1/certificate-authority', {}, undefined)
  })

  it('publishes the CSMS CA certificate', async () => {
    const { certificate } = await jsonOf<{ certificate: string }>(
      await callAs(platform, reader, '/v1/certificate-authority'),
      200,
    )
    assert.equal(
      new X509Certificate(certificate).fingerprint256,
      new X509Certificate(ca.certPem).fingerprint256,
    )
  })

  it('lists, installs and deletes certificates on a station, and records what it reported', async () => {
    const s = await station('CERT-1')
    let installed = [
      { certificateType: 'V2GRootCertificate', certificateHashData: hashData('0A1B') },
      {
        certificateType: 'CSMSRootCertificate',
        certificateHashData: hashData('0C2D'),
        childCertificateHashData: [hashData('0E3F')],
      },
    ]
    s.answer = (action, payload) => {
      switch (action) {
        case 'GetInstalledCertificateIds':
          return { result: { status: 'Accepted', certificateHashDataChain: installed } }
        case 'InstallCertificate':
          return { result: { status: 'Accepted' } }
        case 'DeleteCertificate': {
          const serial = (payload as { certificateHashData: { serialNumber: string } }).certificateHashData
            .serialNumber
          installed = installed.filter((c) => c.certificateHashData.serialNumber !== serial)
          return { result: { status: 'Accepted' } }
        }
        default:
          return { error: 'NotSupported' }
      }
    }

    const listed = await jsonOf<{ status: string; certificates: Installed[] }>(await list('CERT-1'), 200)
    assert.equal(listed.status, 'Accepted')
    assert.deepEqual(listed.certificates, [
      { certificateType: 'V2GRootCertificate', ...hashData('0A1B'), childCertificateHashData: [] },
      {
        certificateType: 'CSMSRootCertificate',
        ...hashData('0C2D'),
        childCertificateHashData: [hashData('0E3F')],
      },
    ])
    assert.deepEqual(callsOf(s, 'GetInstalledCertificateIds'), [{}])
    assert.deepEqual(await stored('CERT-1'), [
      { certificate_type: 'V2GRootCertificate', serial_number: '0A1B' },
      { certificate_type: 'CSMSRootCertificate', serial_number: '0C2D' },
    ])
    await jsonOf(await list('CERT-1', '?type=V2GRootCertificate,MORootCertificate'), 200)
    assert.deepEqual(callsOf(s, 'GetInstalledCertificateIds').at(-1), {
      certificateType: ['V2GRootCertificate', 'MORootCertificate'],
    })

    const answer = await jsonOf(
      await install('CERT-1', { certificateType: 'CSMSRootCertificate', certificate: ca.certPem }),
      200,
    )
    assert.deepEqual(answer, { status: 'Accepted' })
    assert.deepEqual(callsOf(s, 'InstallCertificate'), [
      { certificateType: 'CSMSRootCertificate', certificate: ca.certPem },
    ])

    // By serial number, as listed (any case): the station gets the hash data it reported.
    assert.deepEqual(await jsonOf(await remove('CERT-1', '0a1b'), 200), { status: 'Accepted' })
    assert.deepEqual(callsOf(s, 'DeleteCertificate'), [{ certificateHashData: hashData('0A1B') }])
    assert.deepEqual(await stored('CERT-1'), [
      { certificate_type: 'CSMSRootCertificate', serial_number: '0C2D' },
    ])
    const gone = await problemOf(await remove('CERT-1', '0A1B'), 404)
    assert.match(gone.detail ?? '', /list them first/)
    assert.equal(callsOf(s, 'DeleteCertificate').length, 1)
  })

  it('refuses what is not one PEM certificate, and a serial that is not hex, with 400', async () => {
    await station('CERT-BAD')
    const notPem = await problemOf(
      await install('CERT-BAD', { certificateType: 'V2GRootCertificate', certificate: 'hello' }),
      400,
    )
    assert.match(notPem.detail ?? '', /exactly one PEM certificate/)
    await problemOf(
      await install('CERT-BAD', {
        certificateType: 'V2GRootCertificate',
        certificate: `${ca.certPem}${ca.certPem}`,
      }),
      400,
    )
    const missing = await problemOf(await install('CERT-BAD', { certificate: ca.certPem }), 400)
    assert.equal(missing.errors?.[0]?.path, 'certificateType')
    const serial = await problemOf(await remove('CERT-BAD', 'not-hex'), 400)
    assert.equal(serial.errors?.[0]?.path, 'serialNumber')
  })

  it('answers 404 for a station that is not connected', async () => {
    await problemOf(await list('CERT-NEVER'), 404)
    await problemOf(
      await install('CERT-NEVER', { certificateType: 'V2GRootCertificate', certificate: ca.certPem }),
      404,
    )
    await problemOf(await remove('CERT-NEVER', '0A1B'), 404)

    // Listed while connected, then gone: the delete cannot reach it.
    const s = await station('CERT-GONE')
    s.answer = () => ({
      result: {
        status: 'Accepted',
        certificateHashDataChain: [
          { certificateType: 'V2GRootCertificate', certificateHashData: hashData('AA') },
        ],
      },
    })
    await jsonOf(await list('CERT-GONE'), 200)
    await s.close()
    await problemOf(await list('CERT-GONE'), 404)
    await problemOf(
      await install('CERT-GONE', { certificateType: 'V2GRootCertificate', certificate: ca.certPem }),
      404,
    )
    await problemOf(await remove('CERT-GONE', 'AA'), 404)
    assert.equal((await stored('CERT-GONE')).length, 1, 'a failed delete forgets nothing')
  })

  it('maps a CALLERROR to 502 and silence to 504', async () => {
    const s = await station('CERT-ERR')
    s.answer = (action) =>
      action === 'GetInstalledCertificateIds'
        ? {
            result: {
              status: 'Accepted',
              certificateHashDataChain: [
                { certificateType: 'V2GRootCertificate', certificateHashData: hashData('BB') },
              ],
            },
          }
        : { error: 'InternalError' }
    await jsonOf(await list('CERT-ERR'), 200)
    const refused = await problemOf(
      await install('CERT-ERR', { certificateType: 'V2GRootCertificate', certificate: ca.certPem }),
      502,
    )
    assert.match(refused.detail ?? '', /InternalError/)
    await problemOf(await remove('CERT-ERR', 'BB'), 502)
    assert.equal((await stored('CERT-ERR')).length, 1)
    s.answer = () => ({ error: 'InternalError' })
    await problemOf(await list('CERT-ERR'), 502)

    // One silent station per call: the gateway holds one outstanding CALL per station.
    for (const [id, send] of [
      ['CERT-QUIET-1', () => list('CERT-QUIET-1')],
      [
        'CERT-QUIET-2',
        () => install('CERT-QUIET-2', { certificateType: 'V2GRootCertificate', certificate: ca.certPem }),
      ],
    ] as const) {
      const quiet = await station(id)
      quiet.answer = () => 'silent'
      const late = await problemOf(await send(), 504)
      assert.match(late.detail ?? '', /did not answer in time/)
    }
    s.answer = () => 'silent'
    await problemOf(await remove('CERT-ERR', 'BB'), 504)
  })
})
