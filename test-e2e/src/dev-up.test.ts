import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { after, describe, it } from 'node:test'
import { createTempDir, freePort, type ProcessHandle, spawnProcess, waitFor } from '@csms/testkit'
import { TestStation } from './station-client.js'

const root = resolve(import.meta.dirname, '../../..')

/** Every descendant pid of a process, read from ps. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number])
  const out: number[] = []
  const walk = (p: number) => {
    for (const [child, parent] of table) {
      if (parent !== p) continue
      out.push(child)
      walk(child)
    }
  }
  walk(pid)
  return out
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('./dev up (the launcher behind it, with local NATS and PostgreSQL)', () => {
  let dir: Awaited<ReturnType<typeof createTempDir>>
  after(async () => {
    await dir?.remove()
  })

  function postmasterPid(): number | undefined {
    const file = resolve(dir.path, 'postgres', 'postmaster.pid')
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined
  }

  async function up(ports: {
    gateway: number
    api: number
    nats: number
    pg: number
  }): Promise<ProcessHandle> {
    const env: Record<string, string> = {
      CSMS_DEV_DIR: dir.path,
      CSMS_GATEWAY_PORT: String(ports.gateway),
      CSMS_API_PORT: String(ports.api),
      CSMS_DEV_NATS_PORT: String(ports.nats),
      CSMS_DEV_PG_PORT: String(ports.pg),
      CSMS_DEV_OPS_PORT_BASE: '0',
      CSMS_API_TOKEN: 'dev-up-test-token-0123456789',
      LOG_LEVEL: 'warn',
    }
    // The launcher must make its own servers, whatever the test runner has.
    const handle = await spawnProcess({
      name: 'dev-up',
      command: process.execPath,
      args: [resolve(root, 'packages/testkit/dist/src/cli/dev-up.js')],
      env: { ...env, NATS_URL: undefined, DATABASE_URL: undefined },
      silent: process.env.E2E_LOGS !== '1',
    })
    await waitFor(
      async () => {
        if (!alive(handle.pid)) throw new Error(`dev up exited:\n${handle.recentOutput().join('\n')}`)
        const ready = (await fetch(`http://127.0.0.1:${ports.api}/readyz`)).status === 200
        return ready && handle.recentOutput().some((l) => l.includes('CSMS is up'))
      },
      { timeoutMs: 90_000, intervalMs: 250, description: '/readyz from ./dev up' },
    )
    return handle
  }

  it('starts everything, stops every child on SIGTERM, and reuses its data on the next run', async () => {
    dir = await createTempDir('csms-dev-up')
    const ports = {
      gateway: await freePort(),
      api: await freePort(),
      nats: await freePort(),
      pg: await freePort(),
    }
    const api = (path: string) =>
      fetch(`http://127.0.0.1:${ports.api}${path}`, {
        headers: { authorization: 'Bearer dev-up-test-token-0123456789' },
      })

    const first = await up(ports)
    assert.ok(
      first.recentOutput().some((l) => l.includes('dev-up-test-token-0123456789')),
      'prints the operator token',
    )
    const station = await TestStation.connect(`ws://127.0.0.1:${ports.gateway}/ocpp`, 'DEV-UP-1')
    const boot = await station.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'Acme', model: 'X' },
    })
    assert.equal(boot[0], 3)
    await station.close()
    const children = descendants(first.pid)
    // pg_ctl detaches the postmaster, so PostgreSQL is watched through its pid file instead.
    assert.ok(children.length >= 8, `nats-server and 7 services run as children (saw ${children.length})`)
    const postmaster = postmasterPid()
    assert.ok(postmaster !== undefined && alive(postmaster), 'PostgreSQL runs from the dev folder')
    assert.equal(await first.stop('SIGTERM', 60_000), 0)
    await waitFor(() => [...children, postmaster].every((pid) => !alive(pid)), {
      timeoutMs: 10_000,
      description: 'no child left',
    })

    const second = await up(ports)
    const res = await api('/v1/stations/DEV-UP-1')
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { vendor: string }).vendor, 'Acme', 'data survived the restart')
    const again = [...descendants(second.pid), postmasterPid() ?? 0]
    await second.stop('SIGINT', 60_000)
    await waitFor(() => again.every((pid) => !alive(pid)), {
      timeoutMs: 10_000,
      description: 'no child left',
    })
  })
})
