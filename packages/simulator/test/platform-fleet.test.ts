import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type Fleet, loadScenario, runScenario, startFleet, withOverrides } from '../src/index.js'
import { type BenchPlatform, startBenchPlatform } from './support/bench-platform.js'

// Against the real platform (every service as its own process, real NATS and PostgreSQL).

describe('the simulator against the platform', { timeout: 300_000 }, () => {
  let platform: BenchPlatform
  let fleet: Fleet | undefined
  const reportDir = mkdtempSync(join(tmpdir(), 'csms-sim-report-'))

  before(async () => {
    platform = await startBenchPlatform()
  })
  after(async () => {
    await fleet?.stop()
    await platform?.stop()
    rmSync(reportDir, { recursive: true, force: true })
  })

  const command = async (id: string, action: string, body: unknown) => {
    const res = await fetch(`${platform.apiUrl}/v1/stations/${encodeURIComponent(id)}/commands/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    assert.equal(res.status, 200, `${action} to ${id}: ${res.status} ${text}`)
    return JSON.parse(text) as Record<string, unknown>
  }

  it('runs the smoke scenario with 20 stations and zero errors, and writes the JSON and HTML reports', async () => {
    const scenario = withOverrides(loadScenario('smoke'), { durationMs: 25_000 })
    const { report, files } = await runScenario({
      scenario,
      url: platform.gatewayUrls[0] as string,
      reportDir,
      inProcess: true,
    })
    assert.equal(
      report.summary.errors,
      0,
      `errors: ${JSON.stringify(report.errors)}\n${report.errorSamples.join('\n')}`,
    )
    assert.equal(report.summary.peakConnected, 20)
    assert.ok((report.perAction.BootNotification?.ok ?? 0) >= 20)
    assert.ok(
      (report.perAction.StatusNotification?.ok ?? 0) >= 20 * 1.5,
      'every connector reported its status',
    )
    assert.ok((report.perAction.Heartbeat?.ok ?? 0) > 0, 'heartbeats went out at the 10 s interval')
    assert.ok(report.summary.latency.p99 > 0 && report.summary.latency.p99 >= report.summary.latency.p50)
    assert.ok(files.json && existsSync(files.json) && files.html && existsSync(files.html))
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as {
      timeline: unknown[]
      summary: { calls: number }
    }
    assert.ok(json.timeline.length >= 20, 'one timeline point per second')
    assert.equal(json.summary.calls, report.summary.calls)
    const html = readFileSync(files.html, 'utf8')
    assert.match(html, /<svg/)
    assert.match(html, /BootNotification/)
    assert.doesNotMatch(html, /<script/, 'self-contained and static')
  })

  it('lets a test start stations, await their state and see the CSMS calls they received and obeyed', async () => {
    fleet = await startFleet({
      url: platform.gatewayUrls[0] as string,
      stations: [
        { id: 'LIB-201', model: 'ac-2x22', protocol: 'ocpp2.0.1' },
        { id: 'LIB-21', model: 'v2g-bidi', protocol: 'ocpp2.1' },
        { id: 'LIB-16', model: 'ac-legacy-16', protocol: 'ocpp1.6' },
      ],
    })
    const booted = (s: { bootStatus: string; connection: string }) =>
      s.bootStatus === 'Accepted' && s.connection === 'open'
    await fleet.waitForAll(booted, { timeoutMs: 60_000 })
    const s201 = fleet.station('LIB-201')
    await s201.waitFor((s) => s.evses.every((e) => e.connectors.every((c) => c.status === 'Available')))

    const got = await command('LIB-201', 'GetVariables', {
      getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
    })
    assert.deepEqual((got.getVariableResult as { attributeStatus: string }[])[0]?.attributeStatus, 'Accepted')
    assert.equal((await s201.waitForCall('GetVariables')).action, 'GetVariables')

    await command('LIB-201', 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } })
    await s201.waitFor(
      (s) => s.evses[1]?.connectors[0]?.status === 'Unavailable' && s.evses[0]?.operative === true,
    )

    assert.deepEqual(await command('LIB-201', 'Reset', { type: 'Immediate' }), { status: 'Accepted' })
    await s201.waitFor((s) => s.reboots === 1 && booted(s), { timeoutMs: 60_000 })

    const s16 = fleet.station('LIB-16')
    assert.deepEqual(
      await command('LIB-16', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '45' }),
      { status: 'Accepted' },
    )
    await s16.waitFor((s) => s.heartbeatIntervalS === 45)
    const config = await command('LIB-16', 'GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] })
    assert.deepEqual(config, {
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '45' }],
      unknownKey: ['NoSuchKey'],
    })

    const s21 = fleet.station('LIB-21')
    const schedule = await command('LIB-21', 'GetCompositeSchedule', {
      evseId: 1,
      duration: 3600,
      chargingRateUnit: 'W',
    })
    assert.equal(schedule.status, 'Accepted')
    assert.equal(s21.received.at(-1)?.action, 'GetCompositeSchedule')
    assert.equal(fleet.stats.totals.errors, 0)
  })
})
