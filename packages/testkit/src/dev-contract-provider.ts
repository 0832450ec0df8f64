import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the development provider puts in `exiResponse`: base64 of a plain-text label, NOT EXI.
 * A station that decodes it gets garbage, never a contract certificate.
 */
export const DEV_CONTRACT_PLACEHOLDER_EXI = Buffer.from(
  'CSMS DEVELOPMENT PLACEHOLDER: not EXI, not an ISO 15118 CertificateInstallationRes, ' +
    'no contract certificate. Set CSMS_AUTH_CONTRACT_PROVIDER_URL to a real provider.',
).toString('base64')

/** accept: 200 Accepted with the placeholder; fail: 200 `Failed`; unavailable: HTTP 503. */
export type DevContractProviderMode = 'accept' | 'fail' | 'unavailable'

export type DevContractProviderOptions = {
  /** Default 127.0.0.1: the provider is for this machine only. */
  host?: string
  /** Default 0: a free port, read back into `url`. */
  port?: number
  /** When set, requests must carry `Authorization: Bearer <token>` (401 otherwise). */
  token?: string
  /** `remainingContracts` in Accepted answers (OCPP 2.1). Default 0. */
  remainingContracts?: number
  /** Called with every request once it is answered (`./dev up` logs them). */
  onCall?: (call: DevContractProviderCall) => void
}

export type DevContractProviderCall = {
  authorization: string | undefined
  /** The JSON body as parsed, or the raw text when it was not JSON. */
  body: unknown
  /** The HTTP status it was answered with. */
  status: number
}

export type DevContractProvider = {
  /** What CSMS_AUTH_CONTRACT_PROVIDER_URL should be: `http://host:port/contracts`. */
  readonly url: string
  /** The last 1,000 requests it received, oldest first. */
  readonly calls: DevContractProviderCall[]
  /** How it answers from now on; tests switch it to check the CSMS's failure path. */
  mode: DevContractProviderMode
  /** Closes the server and its connections. Safe to call twice. */
  stop(): Promise<void>
}

const PATH = '/contracts'
const MAX_BODY_BYTES = 64 * 1024
const MAX_CALLS = 1_000

/**
 * A contract-certificate provider for development and tests, speaking the protocol of the auth
 * service's client (services/auth/src/pki/contract-provider.ts): `POST` JSON `{ stationId,
 * iso15118SchemaVersion, action, exiRequest, maximumContractCertificateChains?,
 * prioritizedEMAIDs? }`, answered `{ status, exiResponse, remainingContracts? }`.
 *
 * It cannot issue contracts: there is no EXI codec here, so it cannot decode the EV's
 * CertificateInstallationReq nor build a real ISO 15118 CertificateInstallationRes. Accepted
 * answers carry DEV_CONTRACT_PLACEHOLDER_EXI, a labelled placeholder, so Get15118EVCertificate
 * can be exercised end to end while no car ever gets a usable certificate from it.
 */
export async function startDevContractProvider(
  options: DevContractProviderOptions = {},
): Promise<DevContractProvider> {
  const host = options.host ?? '127.0.0.1'
  const calls: DevContractProviderCall[] = []
  const expected = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`)
  const authorized = (header: string | undefined) => {
    if (!expected) return true
    const given = Buffer.from(header ?? '')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  let url = ''
  let stopped: Promise<void> | undefined
  const handle: DevContractProvider = {
    get url() {
      return url
    },
    calls,
    mode: 'accept',
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopped
    },
  }
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      if (text === null) return // the client went away mid-body: nobody to answer
      let body: unknown = text
      try {
        body = text === undefined ? undefined : JSON.parse(text)
      } catch {
        // Kept as text in `calls`; answered 400 below.
      }
      const call = { authorization: req.headers.authorization, body, status: answer(req, res, text, body) }
      calls.push(call)
      if (calls.length > MAX_CALLS) calls.shift()
      options.onCall?.(call)
    })
  })

  function answer(
    req: IncomingMessage,
    res: ServerResponse,
    text: string | undefined,
    body: unknown,
  ): number {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path !== PATH) return problem(res, 404, `nothing at ${path}; POST to ${PATH}`)
    if (req.method !== 'POST') return problem(res, 405, 'only POST', { allow: 'POST' })
    if (!authorized(req.headers.authorization))
      return problem(res, 401, 'a bearer token is required', { 'www-authenticate': 'Bearer' })
    if (text === undefined) return problem(res, 413, `the body exceeds ${MAX_BODY_BYTES} bytes`)
    const errors = requestErrors(body)
    if (errors.length > 0) return problem(res, 400, errors.join('; '))
    if (handle.mode === 'unavailable') return problem(res, 503, 'unavailable (test mode)')
    const reply =
      handle.mode === 'fail'
        ? { status: 'Failed', exiResponse: '' }
        : {
            status: 'Accepted',
            exiResponse: DEV_CONTRACT_PLACEHOLDER_EXI,
            remainingContracts: options.remainingContracts ?? 0,
          }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply))
    return 200
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${PATH}`
  return handle
}

/** The body as text; undefined once it passes MAX_BODY_BYTES (the rest is discarded); null if aborted. */
function readBody(req: IncomingMessage): Promise<string | undefined | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(null))
  })
}

function problem(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}) {
  res
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ status, detail }))
  return status
}

const FIELDS = new Set([
  'stationId',
  'iso15118SchemaVersion',
  'action',
  'exiRequest',
  'maximumContractCertificateChains',
  'prioritizedEMAIDs',
])
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** What is wrong with a request body, in the client's terms; empty when nothing is. */
function requestErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return ['the body is not a JSON object']
  const b = body as Record<string, unknown>
  const errors = Object.keys(b)
    .filter((k) => !FIELDS.has(k))
    .map((k) => `unknown field ${k}`)
  const text = (k: string) => typeof b[k] === 'string' && b[k] !== ''
  if (!text('stationId')) errors.push('stationId must be a non-empty string')
  if (!text('iso15118SchemaVersion')) errors.push('iso15118SchemaVersion must be a non-empty string')
  if (b.action !== 'Install' && b.action !== 'Update') errors.push('action must be Install or Update')
  if (!text('exiRequest') || !BASE64.test(b.exiRequest as string)) errors.push('exiRequest must be base64')
  const chains = b.maximumContractCertificateChains
  if (chains !== undefined && !(Number.isInteger(chains) && (chains as number) >= 0))
    errors.push('maximumContractCertificateChains must be an integer ≥ 0')
  const emaids = b.prioritizedEMAIDs
  if (emaids !== undefined && !(Array.isArray(emaids) && emaids.every((e) => typeof e === 'string')))
    errors.push('prioritizedEMAIDs must be an array of strings')
  return errors
}
