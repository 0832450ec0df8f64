import { freePort, type ProcessHandle, SERVICE_NODE_FLAGS, spawnProcess, waitFor } from '@csms/testkit'
import { GATEWAY_MAIN } from './paths.js'

export type GatewayProcess = {
  /** The station port: ws://127.0.0.1:{port}/ocpp/{id}. */
  port: number
  opsPort: number
  gatewayId: string
  handle: ProcessHandle
  url(stationId: string, scheme?: 'ws' | 'wss'): string
  metrics(): Promise<string>
  /** JSON log lines the process wrote so far. */
  logs(): Array<Record<string, unknown>>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts `node services/gateway/dist/src/main.js` as a pod would run it, on free ports, and
 * resolves once its /readyz answers 200. Stop it in `after`, even when the test failed.
 */
export async function startGatewayProcess(
  natsUrl: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const port = await freePort()
  const opsPort = await freePort()
  const gatewayId = env.CSMS_GATEWAY_ID ?? `gw-test-${port}`
  const handle = await spawnProcess({
    name: gatewayId,
    command: process.execPath,
    args: ['--enable-source-maps', ...(SERVICE_NODE_FLAGS.gateway ?? []), GATEWAY_MAIN],
    env: {
      NATS_URL: natsUrl,
      CSMS_GATEWAY_HOST: '127.0.0.1',
      CSMS_GATEWAY_PORT: String(port),
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_OPS_PORT: String(opsPort),
      CSMS_GATEWAY_ID: gatewayId,
      CSMS_GATEWAY_HEARTBEAT_MS: '1000',
      LOG_LEVEL: 'info',
      ...env,
    },
    silent: process.env.CSMS_TEST_VERBOSE !== '1',
  })
  const ready = async () => {
    const res = await fetch(`http://127.0.0.1:${opsPort}/readyz`)
    return res.status === 200
  }
  try {
    const exited = new AbortController()
    void handle.exited.then(() =>
      exited.abort(new Error(`gateway exited early:\n${handle.recentOutput().join('\n')}`)),
    )
    await waitFor(ready, {
      timeoutMs: 30_000,
      description: `gateway ${gatewayId} ready`,
      signal: exited.signal,
    })
  } catch (error) {
    await handle.stop('SIGKILL')
    throw error
  }
  return {
    port,
    opsPort,
    gatewayId,
    handle,
    url: (stationId, scheme = 'ws') => `${scheme}://127.0.0.1:${port}/ocpp/${encodeURIComponent(stationId)}`,
    metrics: async () => (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text(),
    logs: () =>
      handle.recentOutput().flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>]
        } catch {
          return []
        }
      }),
    stop: (signal: NodeJS.Signals = 'SIGTERM') => handle.stop(signal, 15_000),
  }
}

/** The value of one Prometheus sample, e.g. metric(text, 'csms_gateway_connections', { protocol: 'ocpp2.0.1' }). */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue
    return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return undefined
}
