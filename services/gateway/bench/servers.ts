import { join, resolve } from 'node:path'
import { freePort, type ProcessHandle, spawnProcess, waitFor } from '@csms/testkit'

const DIST = resolve(import.meta.dirname, '..')

export type Server = { handle: ProcessHandle; port: number; opsPort?: number }

/** A gateway pod as production runs it (message log on), quiet logs, on free ports. */
export async function startGatewayPod(natsUrl: string, id: string): Promise<Server> {
  const port = await freePort()
  const opsPort = await freePort()
  const handle = await spawnProcess({
    name: id,
    command: process.execPath,
    args: [join(DIST, 'src/main.js')],
    env: {
      NATS_URL: natsUrl,
      CSMS_GATEWAY_ID: id,
      CSMS_GATEWAY_HOST: '127.0.0.1',
      CSMS_GATEWAY_PORT: String(port),
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_OPS_PORT: String(opsPort),
      LOG_LEVEL: 'warn',
    },
    silent: true,
  })
  await waitFor(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200, {
    timeoutMs: 30_000,
    description: `${id} ready`,
  })
  return { handle, port, opsPort }
}

export async function startBareServer(): Promise<Server> {
  const port = await freePort()
  const handle = await spawnProcess({
    name: 'bare',
    command: process.execPath,
    args: [join(DIST, 'bench/bare-server.js')],
    env: { BARE_PORT: String(port) },
    silent: true,
  })
  await waitFor(() => handle.recentOutput().some((l) => l.includes('"port"')), { description: 'bare server' })
  return { handle, port }
}

export async function startResponder(natsUrl: string): Promise<ProcessHandle> {
  const handle = await spawnProcess({
    name: 'responder',
    command: process.execPath,
    args: [join(DIST, 'bench/responder.js')],
    env: { NATS_URL: natsUrl },
    silent: true,
  })
  await waitFor(() => handle.recentOutput().includes('ready'), { description: 'responder' })
  return handle
}

/** One sample of a Prometheus text exposition, e.g. nodejs_heap_size_used_bytes. */
export async function metric(opsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
  return Number(line?.slice(line.lastIndexOf(' ') + 1))
}
