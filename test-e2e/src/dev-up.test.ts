import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { resolve } from 'node:path'
import { after, describe, it } from 'node:test'
import {
  createTempDir,
  DEV_CONTRACT_PLACEHOLDER_EXI,
  freePort,
  type ProcessHandle,
  runCommand,
  SERVICE_NODE_FLAGS,
  spawnProcess,
  startNats,
  startPostgres,
  waitFor,
} from '@csms/testkit'
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

/** A process's command line as its arguments (empty once it has gone). */
function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  } catch {
    return []
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('./dev up (the launcher behind it)', () => {
  let dir: Awaited<ReturnType<typeof createTempDir>>
  const dirs: Array<Awaited<ReturnType<typeof createTempDir>>> = []
  const launched: ProcessHandle[] = []
  // A failed assertion must not leave a launcher running: SIGTERM lets it stop its servers
  // (SIGKILL, the testkit's last resort at exit, would orphan them).
  after(async () => {
    for (const handle of launched) await handle.stop('SIGTERM', 60_000)
    for (const d of dirs) await d.remove()
  })

  async function newDevDir(): Promise<void> {
    dir = await createTempDir('csms-dev-up')
    dirs.push(dir)
  }

  function postmasterPid(): number | undefined {
    const file = resolve(dir.path, 'postgres', 'postmaster.pid')
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined
  }

  async function up(
    ports: {
      gateway: number
      api: number
      nats: number
      pg: number
    },
    servers: { NATS_URL?: string; DATABASE_URL?: string } = {},
  ): Promise<ProcessHandle> {
    const env: Record<string, string> = {
      CSMS_DEV_DIR: dir.path,
      CSMS_GATEWAY_PORT: String(ports.gateway),
      CSMS_API_PORT: String(ports.api),
      CSMS_DEV_NATS_PORT: String(ports.nats),
      CSMS_DEV_PG_PORT: String(ports.pg),
      CSMS_DEV_OPS_PORT_BASE: '0',
      CSMS_DEV_CONTRACT_PROVIDER_PORT: '0',
      CSMS_API_TOKEN: 'dev-up-test-token-0123456789',
      LOG_LEVEL: 'warn',
    }
    // The launcher makes its own servers unless told otherwise, whatever the test runner has.
    const handle = await spawnProcess({
      name: 'dev-up',
      command: process.execPath,
      args: [resolve(root, 'packages/testkit/dist/src/cli/dev-up.js')],
      env: { ...env, NATS_URL: servers.NATS_URL, DATABASE_URL: servers.DATABASE_URL },
      silent: process.env.E2E_LOGS !== '1',
      // As in a terminal, where the launcher leads the process group that Ctrl-C signals.
      ownProcessGroup: true,
    })
    launched.push(handle)
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
    await newDevDir()
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
    // Plug & Charge reaches the development contract provider the launcher runs and configures.
    const certificate = await station.call('Get15118EVCertificate', {
      iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef',
      action: 'Install',
      exiRequest: 'RVhJLXJlcXVlc3Q=',
    })
    assert.deepEqual(certificate[2], { status: 'Accepted', exiResponse: DEV_CONTRACT_PLACEHOLDER_EXI })
    const providerUrl = /contract provider\s+(http:\S+)/.exec(first.recentOutput().join('\n'))?.[1]
    assert.ok(providerUrl, 'prints the contract provider URL')
    const anonymous = await fetch(providerUrl, { method: 'POST', body: '{}' })
    assert.equal(anonymous.status, 401, 'the printed provider answers, and only with its token')
    await station.close()
    const children = descendants(first.pid)
    // pg_ctl detaches the postmaster, so PostgreSQL is watched through its pid file instead.
    assert.ok(children.length >= 8, `nats-server and 7 services run as children (saw ${children.length})`)
    // Each service runs with the node flags production must pass (README, SERVICE_NODE_FLAGS).
    for (const [service, flags] of Object.entries(SERVICE_NODE_FLAGS)) {
      const entry = `services/${service}/dist/src/main.js`
      const argv = children.map(commandLine).find((a) => a.some((arg) => arg.endsWith(entry)))
      assert.ok(argv, `${service} runs as a child`)
      for (const flag of flags ?? [])
        assert.ok(argv.includes(flag), `${service} runs with ${flag}: ${argv.join(' ')}`)
    }
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
    // Ctrl-C signals the terminal's whole process group: the launcher alone must get it and
    // stop the services before NATS, so none of them fails to drain.
    process.kill(-second.pid, 'SIGINT')
    assert.equal(await second.exited, 0)
    const drainFailures = second.recentOutput().filter((l) => /drain failed|connection disconnected/i.test(l))
    assert.deepEqual(drainFailures, [], 'every service drained before NATS stopped')
    await waitFor(() => again.every((pid) => !alive(pid)), {
      timeoutMs: 10_000,
      description: 'no child left',
    })
  })

  it('uses the servers NATS_URL and DATABASE_URL name, starts none, and leaves them running', async (t) => {
    await newDevDir()
    const nats = await startNats()
    t.after(() => nats.stop())
    const db = await startPostgres()
    t.after(() => db.stop())
    const ports = {
      gateway: await freePort(),
      api: await freePort(),
      nats: await freePort(),
      pg: await freePort(),
    }

    const launcher = await up(ports, { NATS_URL: nats.url, DATABASE_URL: db.url })
    const printed = launcher.recentOutput().join('\n')
    assert.ok(printed.includes(`NATS                 ${nats.url}`), `prints the NATS it uses:\n${printed}`)
    const commands = descendants(launcher.pid).map((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim())
    assert.ok(
      !commands.includes('nats-server'),
      `no nats-server of its own (children: ${commands.join(', ')})`,
    )
    assert.equal(existsSync(resolve(dir.path, 'postgres')), false, 'no PostgreSQL of its own')
    // The metrics line names the ports the services really serve on (free ones here).
    const gatewayOps = /gateway :(\d+)/.exec(printed)?.[1]
    assert.ok(gatewayOps, `prints the metrics ports:\n${printed}`)
    assert.equal((await fetch(`http://127.0.0.1:${gatewayOps}/metrics`)).status, 200)

    const station = await TestStation.connect(`ws://127.0.0.1:${ports.gateway}/ocpp`, 'DEV-UP-EXT')
    const boot = await station.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'Acme', model: 'X' },
    })
    assert.equal(boot[0], 3)
    await station.close()
    const stored = await psql(
      db.url,
      "select count(*) from device_management.stations where id = 'DEV-UP-EXT'",
    )
    assert.equal(stored, '1', 'the station is stored in the DATABASE_URL database')

    assert.equal(await launcher.stop('SIGINT', 60_000), 0)
    assert.equal(await psql(db.url, 'select 1'), '1', 'PostgreSQL still answers')
    assert.match(await natsInfo(nats.url), /^INFO /, 'NATS still answers')
  })
})

async function psql(url: string, query: string): Promise<string> {
  const { stdout } = await runCommand('psql', [
    url,
    '-X',
    '-q',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    query,
  ])
  return stdout.trim()
}

/** The INFO line a NATS server greets every client with. */
function natsInfo(url: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no INFO from ${url}`)))
    socket.once('error', reject)
    socket.once('data', (chunk) => {
      socket.destroy()
      resolve(String(chunk))
    })
  })
}
