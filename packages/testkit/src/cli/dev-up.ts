import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startDevContractProvider } from '../dev-contract-provider.js'
import { startLocalNatsServer } from '../local-nats-server.js'
import { startLocalPostgresServer } from '../local-postgres-server.js'
import type { ManagedServer } from '../managed-server.js'
import { startPlatform } from '../platform.js'

// `./dev up`: NATS and PostgreSQL from local binaries (data under .dev/, reused next time)
// unless NATS_URL / DATABASE_URL point elsewhere, then every service as its own process.
const root = resolve(import.meta.dirname, '../../../../..')
const devDir = resolve(process.env.CSMS_DEV_DIR || join(root, '.dev'))
mkdirSync(devDir, { recursive: true })
const env = process.env
const int = (name: string, fallback: number, min = 1) => {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > 65_535) {
    console.error(`${name} must be a port number (1-65535), got "${raw}"`)
    process.exit(2)
  }
  return n
}
const gatewayPort = int('CSMS_GATEWAY_PORT', 9000)
const apiPort = int('CSMS_API_PORT', 8080)
// 0 picks a free port. Unused when CSMS_AUTH_CONTRACT_PROVIDER_URL names the operator's own.
const contractProviderPort = int('CSMS_DEV_CONTRACT_PROVIDER_PORT', 9190, 0)

const servers: ManagedServer[] = []
let stopping = false
const stopAll = async (code: number) => {
  if (stopping) return
  stopping = true
  console.log('[dev] stopping…')
  await platform?.stop().catch((e: unknown) => console.error('[dev] stop failed', e))
  for (const s of servers.reverse())
    await s.stop().catch((e: unknown) => console.error('[dev] stop failed', e))
  console.log('[dev] stopped')
  process.exit(code)
}
// 'on', not 'once': the testkit's last-resort cleanup steps aside only while a handler is registered.
process.on('SIGINT', () => void stopAll(0))
process.on('SIGTERM', () => void stopAll(0))

let platform: Awaited<ReturnType<typeof startPlatform>> | undefined
try {
  let natsUrl = env.NATS_URL
  if (!natsUrl) {
    const nats = await startLocalNatsServer({
      host: '127.0.0.1',
      port: int('CSMS_DEV_NATS_PORT', 4222),
      storeDir: join(devDir, 'nats'),
      logPrefix: 'nats',
      ownProcessGroup: true,
    })
    servers.push(nats)
    natsUrl = nats.url
  }
  let databaseUrl = env.DATABASE_URL
  if (!databaseUrl) {
    const pg = await startLocalPostgresServer({
      dataDir: join(devDir, 'postgres'),
      port: int('CSMS_DEV_PG_PORT', 54329),
    })
    servers.push(pg)
    databaseUrl = pg.url
  }
  const apiToken = env.CSMS_API_TOKEN || readOrCreateToken(join(devDir, 'api-token'))
  // Get15118EVCertificate needs a contract-certificate provider; without the operator's own,
  // a local one answers with a labelled placeholder (no EXI codec: never a real contract).
  // It is configured by the operator, not by stations, so loopback needs no SSRF allowance.
  let contractProvider: { url: string; env: Record<string, string> } | undefined
  if (!env.CSMS_AUTH_CONTRACT_PROVIDER_URL) {
    const token = randomBytes(24).toString('base64url')
    const provider = await startDevContractProvider({
      port: contractProviderPort,
      token,
      onCall: ({ body, status }) => {
        const { action, stationId } = (body ?? {}) as { action?: unknown; stationId?: unknown }
        console.log(`[contract-provider] ${String(action)} for ${String(stationId)}: HTTP ${status}`)
      },
    }).catch((error: unknown) => {
      throw new Error(
        `contract provider: ${(error as Error).message} (CSMS_DEV_CONTRACT_PROVIDER_PORT moves it)`,
      )
    })
    servers.push(provider)
    contractProvider = {
      url: provider.url,
      env: { CSMS_AUTH_CONTRACT_PROVIDER_URL: provider.url, CSMS_AUTH_CONTRACT_PROVIDER_TOKEN: token },
    }
  }
  platform = await startPlatform({
    root,
    natsUrl,
    databaseUrl,
    gatewayPort,
    apiPort,
    apiToken,
    // Ctrl-C reaches only this process, which stops the gateway first and NATS last; were
    // the children in the terminal's process group, NATS would quit under draining services.
    ownProcessGroup: true,
    // 0 picks free ports (tests); otherwise seven consecutive ports from the base.
    opsPortBase: int('CSMS_DEV_OPS_PORT_BASE', 9100, 0),
    // A newcomer's simulated station (and its RFID cards) just work locally; production refuses
    // unknown stations and answers unknown tokens Unknown.
    env: {
      CSMS_ALLOW_UNKNOWN_STATIONS: env.CSMS_ALLOW_UNKNOWN_STATIONS ?? 'true',
      CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS: env.CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS ?? 'true',
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
      ...contractProvider?.env,
    },
  })
  console.log(`
  CSMS is up.
    stations connect to  ws://127.0.0.1:${gatewayPort}/ocpp/{stationId}   (ocpp2.0.1, ocpp2.1, ocpp1.6)
    operator API         http://127.0.0.1:${apiPort}   (reference: /docs, /openapi.json)
    operator token       ${apiToken}
    NATS                 ${natsUrl}
    PostgreSQL           ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}
    metrics              ${metricsUrls(platform.opsPorts)}
    contract provider    ${contractProvider ? `${contractProvider.url}   (development placeholder: issues no real contracts)` : 'yours (CSMS_AUTH_CONTRACT_PROVIDER_URL)'}
  Ctrl-C stops everything.
`)
} catch (error) {
  console.error('[dev] start failed:', error instanceof Error ? error.message : error)
  await stopAll(1)
}

/** `http://127.0.0.1:9100-9106/metrics` when the ports follow each other, else each one. */
function metricsUrls(opsPorts: ReadonlyMap<string, number>): string {
  const ports = [...opsPorts.values()].sort((a, b) => a - b)
  const first = ports[0]
  const last = ports.at(-1)
  if (first === undefined || last === undefined) return '(none)'
  if (last - first === ports.length - 1) return `http://127.0.0.1:${first}-${last}/metrics`
  return [...opsPorts].map(([service, port]) => `${service} :${port}`).join(', ')
}

function readOrCreateToken(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const token = randomBytes(24).toString('base64url')
  writeFileSync(file, `${token}\n`, { mode: 0o600 })
  return token
}
