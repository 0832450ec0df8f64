import { type ChildProcess, fork } from 'node:child_process'
import { join, resolve } from 'node:path'
import { freePort, SERVICE_NODE_FLAGS, waitFor } from '@csms/testkit'
import { killOnExit } from './children.js'

const DIST = resolve(import.meta.dirname, '..')

export type Server = {
  name: string
  pid: number
  port: number
  opsPort?: number
  /** Full GC in the server, then its RSS and V8 heap in use. */
  settledMemory(): Promise<{ rss: number; heapUsed: number }>
  stop(timeoutMs?: number): Promise<void>
  /** An IPC message to the server's benchmark hooks. */
  send(message: string): void
}

function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): ChildProcess {
  const child = fork(join(DIST, script), [], {
    // BENCH_NODE_FLAGS: extra node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    execArgv: [
      '--expose-gc',
      ...nodeFlags,
      ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  })
  killOnExit(child)
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`${name} exited with ${code}`)
  })
  return child
}

function asServer(name: string, child: ChildProcess, port: number, opsPort?: number): Server {
  return {
    name,
    pid: child.pid as number,
    port,
    ...(opsPort === undefined ? {} : { opsPort }),
    settledMemory: () =>
      new Promise((resolve) => {
        child.once('message', (m: { rss: number; heapUsed: number }) => resolve(m))
        child.send('gc')
      }),
    send: (message) => {
      child.send(message)
    },
    stop: (timeoutMs = 20_000) =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

/** A gateway pod as production runs it (message log on), quiet logs, on free ports. */
export async function startGatewayPod(
  natsUrl: string,
  id: string,
  env: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort()
  const opsPort = await freePort()
  const child = startChild(
    id,
    'bench/gateway-harness.js',
    {
      NATS_URL: natsUrl,
      CSMS_GATEWAY_ID: id,
      CSMS_GATEWAY_HOST: '127.0.0.1',
      CSMS_GATEWAY_PORT: String(port),
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_OPS_PORT: String(opsPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
    // The flags production runs the gateway with (./dev up, the container command).
    SERVICE_NODE_FLAGS.gateway,
  )
  await waitFor(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200, {
    timeoutMs: 30_000,
    description: `${id} ready`,
  })
  return asServer(id, child, port, opsPort)
}

export async function startBareServer(): Promise<Server> {
  const port = await freePort()
  const child = startChild('bare', 'bench/bare-server.js', { BARE_PORT: String(port) })
  await new Promise<void>((resolve) => child.once('message', () => resolve()))
  return asServer('bare', child, port)
}

export async function startResponder(natsUrl: string): Promise<Server> {
  const child = startChild('responder', 'bench/responder.js', { NATS_URL: natsUrl })
  await new Promise<void>((resolve) => child.once('message', () => resolve()))
  return asServer('responder', child, 0)
}

/** One sample of a Prometheus text exposition, e.g. csms_gateway_connections. */
export async function metric(opsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
  return Number(line?.slice(line.lastIndexOf(' ') + 1))
}
