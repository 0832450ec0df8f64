import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export type KeyPair = { key: string; cert: string }
export type TestPki = {
  dir: string
  /** The operator's CA, which the proxy trusts for client certificates and stations trust for servers. */
  caCert: string
  server: KeyPair
  /** Issues a client certificate from the operator's CA, or from a stranger's with `foreign`. */
  client(name: string, subject: string, opts?: { foreign?: boolean }): Promise<KeyPair>
}

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir })
  } catch (error) {
    throw new Error(`openssl ${args.join(' ')} failed (is the openssl CLI installed?)`, { cause: error })
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

async function selfSigned(dir: string, name: string, subject: string): Promise<KeyPair> {
  const pair = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.crt`) }
  await openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    pair.key,
    '-out',
    pair.cert,
    '-subj',
    subject,
    '-days',
    '2',
  ])
  return pair
}

async function signed(
  dir: string,
  name: string,
  subject: string,
  ca: KeyPair,
  extensions: string,
): Promise<KeyPair> {
  const pair = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.crt`) }
  const csr = join(dir, `${name}.csr`)
  const ext = join(dir, `${name}.ext`)
  await writeFile(ext, extensions)
  await openssl(dir, ['req', ...EC, '-keyout', pair.key, '-out', csr, '-subj', subject])
  const serial = `0x${Buffer.from(name).toString('hex').slice(0, 30)}`
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    serial,
    '-out',
    pair.cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ])
  return pair
}

/**
 * A throwaway PKI made with the openssl CLI: the operator's CA, a server certificate for
 * 127.0.0.1/localhost, and client certificates on demand (CN = station id, O = operator).
 */
export async function createTestPki(dir: string): Promise<TestPki> {
  const ca = await selfSigned(dir, 'ca', '/O=ACME CPO/CN=ACME CPO Station CA')
  const stranger = await selfSigned(dir, 'stranger-ca', '/O=Someone Else/CN=Unknown CA')
  const server = await signed(
    dir,
    'server',
    '/CN=localhost',
    ca,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  )
  return {
    dir,
    caCert: ca.cert,
    server,
    client: (name, subject, opts = {}) =>
      signed(dir, name, subject, opts.foreign ? stranger : ca, 'extendedKeyUsage=clientAuth\n'),
  }
}
