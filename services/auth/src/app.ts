import { readFile } from 'node:fs/promises'
import { createServiceRuntime, ownerOf, runOcppHandlers, type ServiceRuntime, serveCommands } from '@csms/bus'
import { createDb, migrateToLatest, pingDb } from '@csms/db'
import { createIdTokenAuthorizer } from './authorization/id-token-authorizer.js'
import { createCertificateSigner } from './certificates/certificate-signer.js'
import { type AuthConfig, hashConcurrency } from './config.js'
import { consumeStationConnections } from './consumers/station-connections.js'
import { systemClock } from './domain/clock.js'
import { createVerifiedCache } from './domain/verified-cache.js'
import { createAuthorizeHandlers } from './handlers/authorize.js'
import { createGet15118EvCertificateHandlers } from './handlers/get-15118-ev-certificate.js'
import { createGetCertificateStatusHandlers } from './handlers/get-certificate-status.js'
import { createSignCertificateHandlers } from './handlers/sign-certificate.js'
import { createLocalListSync } from './local-list/local-list-sync.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { type CertificateAuthority, loadCertificateAuthority } from './pki/certificate-authority.js'
import { createContractProvider } from './pki/contract-provider.js'
import { createContractValidator, parseTrustAnchors } from './pki/contract-validator.js'
import { createOcspClient } from './pki/ocsp-client.js'
import { createCertificateRepo } from './repo/certificate-repo.js'
import { createCredentialsRepo } from './repo/credentials-repo.js'
import { createIdTokenRepo } from './repo/id-token-repo.js'
import { createLocalListRepo } from './repo/local-list-repo.js'
import { createStationAuthRepo } from './repo/station-auth-repo.js'
import { createStationConnectionsRepo } from './repo/station-connections-repo.js'
import type { AuthDb } from './repo/tables.js'
import { serveCertificateRpc } from './rpc/certificate-rpc.js'
import { serveCredentialsRpc } from './rpc/credentials-rpc.js'
import { serveIdTokenRpc } from './rpc/id-token-rpc.js'
import { serveLocalListRpc } from './rpc/local-list-rpc.js'
import { createPasswordRotation } from './station/password-rotation.js'
import { createProtocolResolver, createStationCaller } from './station/station-call.js'

/** A PEM from the variable itself (a secret) or from the file it names (a mounted secret). */
async function pemFrom(inline: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (inline) return inline
  return file ? readFile(file, 'utf8') : undefined
}

async function certificateAuthority(config: AuthConfig): Promise<CertificateAuthority | undefined> {
  const cert = await pemFrom(config.CSMS_AUTH_CA_CERT_PEM, config.CSMS_AUTH_CA_CERT_FILE)
  const key = await pemFrom(config.CSMS_AUTH_CA_KEY_PEM, config.CSMS_AUTH_CA_KEY_FILE)
  if (!cert && !key) return undefined
  if (!cert || !key) throw new Error('the CSMS CA needs both CSMS_AUTH_CA_CERT_* and CSMS_AUTH_CA_KEY_*')
  return loadCertificateAuthority({
    certificatePem: cert,
    keyPem: key,
    validityDays: config.CSMS_AUTH_CERT_VALIDITY_DAYS,
  })
}

/** Composition root: config → clients → handlers; `serve()` runs until SIGTERM. */
export async function startAuth(config: AuthConfig): Promise<ServiceRuntime> {
  // Configuration mistakes (a CA key that does not match) stop the start before anything listens.
  const ca = await certificateAuthority(config)
  const anchorsPem = await pemFrom(
    config.CSMS_AUTH_V2G_TRUST_ANCHORS_PEM,
    config.CSMS_AUTH_V2G_TRUST_ANCHORS_FILE,
  )
  const trustAnchors = anchorsPem ? parseTrustAnchors(anchorsPem) : []

  const runtime = await createServiceRuntime({
    name: 'auth',
    natsUrl: config.NATS_URL,
    opsHost: config.CSMS_OPS_HOST,
    opsPort: config.CSMS_OPS_PORT,
  })
  const { nc, js, jsm, logger, metrics } = runtime
  const root = createDb<AuthDb>({
    url: config.DATABASE_URL,
    poolSize: config.CSMS_DB_POOL_SIZE,
    applicationName: 'csms-auth',
    schema: SCHEMA,
  })
  await migrateToLatest(root, { schema: SCHEMA, migrations })
  const db = root.withSchema(SCHEMA)
  runtime.addReadinessCheck(() => pingDb(root))
  runtime.onShutdown(() => root.destroy())

  const clock = systemClock
  const stations = createStationAuthRepo(db)
  const lists = createLocalListRepo(db)
  const tokens = createIdTokenRepo(db, lists)
  const certificates = createCertificateRepo(db)
  const credentials = createCredentialsRepo(db)
  const call = createStationCaller(nc, config.CSMS_AUTH_STATION_CALL_TIMEOUT_MS)
  const protocolOf = createProtocolResolver(nc, stations)
  const cache = createVerifiedCache(config.CSMS_VERIFIED_CACHE_TTL_MS)
  const urlPolicy = {
    allowPrivateAddresses: config.CSMS_AUTH_ALLOW_PRIVATE_URLS,
    allowedHosts: config.CSMS_AUTH_OCSP_ALLOWED_HOSTS?.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  }
  const ocsp = createOcspClient({
    policy: urlPolicy,
    timeoutMs: config.CSMS_AUTH_OCSP_TIMEOUT_MS,
    cacheMaxMs: config.CSMS_AUTH_OCSP_CACHE_MAX_S * 1000,
    clock,
  })
  const authorizer = createIdTokenAuthorizer({
    tokens,
    stations,
    policy: {
      cacheTtlS: config.CSMS_AUTH_CACHE_TTL_S,
      acceptUnknownIdTokens: config.CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS,
      acceptNoAuthorization: config.CSMS_AUTH_ACCEPT_NO_AUTHORIZATION,
    },
    clock,
    logger,
  })
  const sync = createLocalListSync({
    lists,
    tokens,
    call,
    protocolOf,
    itemsPerMessage: config.CSMS_AUTH_LOCAL_LIST_ITEMS_PER_MESSAGE,
    leaseMs: config.CSMS_AUTH_STATION_CALL_TIMEOUT_MS * 4 + 10_000,
    concurrency: config.CSMS_AUTH_SYNC_CONCURRENCY,
    clock,
    logger,
  })
  runtime.onShutdown(() => sync.stop())
  const signer = createCertificateSigner({
    ca,
    organization: config.CSMS_AUTH_CERT_ORGANIZATION,
    repo: certificates,
    call,
    logger,
  })
  runtime.onShutdown(() => signer.settled())

  runOcppHandlers({
    nc,
    queue: 'auth',
    logger,
    metrics,
    handlers: [
      ...createAuthorizeHandlers({
        authorizer,
        contracts: createContractValidator({
          trustAnchors,
          ocsp,
          softFail: config.CSMS_AUTH_OCSP_SOFT_FAIL,
          clock,
          logger,
        }),
      }),
      ...createSignCertificateHandlers({ signer }),
      ...createGet15118EvCertificateHandlers({
        provider: createContractProvider({
          url: config.CSMS_AUTH_CONTRACT_PROVIDER_URL,
          token: config.CSMS_AUTH_CONTRACT_PROVIDER_TOKEN,
          timeoutMs: config.CSMS_AUTH_CONTRACT_PROVIDER_TIMEOUT_MS,
        }),
      }),
      ...createGetCertificateStatusHandlers({ ocsp }),
    ],
  })
  serveCredentialsRpc({
    nc,
    repo: credentials,
    cache,
    rotation: createPasswordRotation({ repo: credentials, cache, call, protocolOf, logger }),
    allowUnknownStations: config.CSMS_ALLOW_UNKNOWN_STATIONS,
    logger,
    admission: {
      batchSize: config.CSMS_AUTH_ADMISSION_BATCH_SIZE,
      queries: config.CSMS_AUTH_ADMISSION_QUERIES,
      maxWaitMs: config.CSMS_AUTH_ADMISSION_MAX_WAIT_MS,
      hashConcurrency: hashConcurrency(config),
    },
  })
  serveIdTokenRpc({
    nc,
    authorizer,
    tokens,
    stations,
    sync,
    acceptUnknownDefault: config.CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS,
    logger,
  })
  serveLocalListRpc({ nc, db, lists, tokens, sync, logger })
  serveCertificateRpc({ nc, ca, repo: certificates, call, protocolOf, logger })
  serveCommands({
    nc,
    service: 'auth',
    owns: (_v, action) => ownerOf(action) === 'auth',
    logger,
  })
  const connections = await consumeStationConnections({
    js,
    jsm,
    stations: createStationConnectionsRepo(db),
    sync,
    delayMs: config.CSMS_AUTH_RECONCILE_DELAY_MS,
    maxAgeMs: config.CSMS_AUTH_RECONCILE_MAX_EVENT_AGE_MS,
    clock,
    logger,
  })
  runtime.onShutdown(() => connections.stop())
  return runtime
}
