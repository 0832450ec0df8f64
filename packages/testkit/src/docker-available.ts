import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Which engine the testkit uses when no NATS_URL / DATABASE_URL is given:
 * CSMS_TESTKIT_BACKEND=local forces local binaries, =docker forces testcontainers,
 * anything else (or unset) asks Docker and falls back to local binaries.
 */
export const TestkitBackend = { local: 'local', docker: 'docker', auto: 'auto' } as const
export type TestkitBackend = (typeof TestkitBackend)[keyof typeof TestkitBackend]

export function configuredBackend(env: NodeJS.ProcessEnv = process.env): TestkitBackend {
  const value = env.CSMS_TESTKIT_BACKEND
  return value === 'local' || value === 'docker' ? value : 'auto'
}

type Endpoint = { socketPath: string } | { host: string; port: number }

function dockerEndpoints(env: NodeJS.ProcessEnv): Endpoint[] | 'unknown' {
  const dockerHost = env.DOCKER_HOST
  if (dockerHost !== undefined && dockerHost !== '') {
    if (dockerHost.startsWith('unix://')) return [{ socketPath: dockerHost.slice('unix://'.length) }]
    if (dockerHost.startsWith('tcp://')) {
      const url = new URL(dockerHost.replace(/^tcp:/, 'http:'))
      return [{ host: url.hostname, port: Number(url.port || 2375) }]
    }
    // ssh:// and friends cannot be pinged cheaply; the user asked for them, so trust it.
    return 'unknown'
  }
  const runtimeDir = env.XDG_RUNTIME_DIR
  const sockets = [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    join(homedir(), '.docker/desktop/docker.sock'),
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock')] : []),
  ]
  return sockets.filter((s) => existsSync(s)).map((socketPath) => ({ socketPath }))
}

function ping(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

let cached: Promise<boolean> | undefined

/**
 * True when a Docker engine answers /_ping within `timeoutMs`. Checked once per process: with
 * no socket present it answers immediately, so machines without Docker pay nothing.
 */
export function isDockerAvailable(timeoutMs = 1_000): Promise<boolean> {
  cached ??= probeDocker(process.env, timeoutMs)
  return cached
}

/** The uncached check behind isDockerAvailable, for a given environment. */
export async function probeDocker(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<boolean> {
  const backend = configuredBackend(env)
  if (backend !== 'auto') return backend === 'docker'
  const endpoints = dockerEndpoints(env)
  if (endpoints === 'unknown') return true
  for (const endpoint of endpoints) {
    if (await ping(endpoint, timeoutMs)) return true
  }
  return false
}
