import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { authenticateStationRpc, type CampaignView, callRpc, serveRpc, upsertStationRpc } from '@csms/bus'
import { freePort, type ProcessHandle, spawnProcess, waitFor } from '@csms/testkit'
import type { Subscription } from '@nats-io/nats-core'
import { type Harness, json, ROOT, startHarness } from './support/harness.js'
import { WsStation } from './support/ws-station.js'

const FLEET = 100
const ids = Array.from({ length: FLEET }, (_, i) => `FLEET-${String(i).padStart(3, '0')}`)
/** Every tenth station (007, 017, …) fails its download. */
const failsDownload = (id: string) => Number(id.slice(-3)) % 10 === 7
const GATEWAY_HEARTBEAT_MS = 500
const GATEWAY_TTL_MS = GATEWAY_HEARTBEAT_MS * 3
/** device-management sweeps every quarter of CSMS_GATEWAY_TTL_MS (set equal to the beacon's TTL). */
const SWEEP_MS = GATEWAY_TTL_MS / 4

describe('a fleet of 100 stations behind a real gateway process', () => {
  let h: Harness
  let gateway: ProcessHandle
  let auth: Subscription
  const stations = new Map<string, WsStation>()
  let inFlight = 0
  let maxInFlight = 0

  before(async () => {
    h = await startHarness({ api: true, env: { CSMS_GATEWAY_TTL_MS: String(GATEWAY_TTL_MS) } })
    // Plays the auth service: every station may connect (profile 0).
    auth = serveRpc(
      h.nc,
      authenticateStationRpc,
      async () => ({ accepted: true as const, registered: true, requiredProfile: 0 as const }),
      {
        queue: 'auth',
      },
    )
    const port = await freePort()
    const opsPort = await freePort()
    gateway = await spawnProcess({
      name: 'gateway',
      command: process.execPath,
      args: [resolve(ROOT, 'services/gateway/dist/src/main.js')],
      env: {
        NATS_URL: h.nats.url,
        CSMS_GATEWAY_HOST: '127.0.0.1',
        CSMS_GATEWAY_PORT: String(port),
        CSMS_OPS_HOST: '127.0.0.1',
        CSMS_OPS_PORT: String(opsPort),
        CSMS_GATEWAY_ID: 'gw-fleet',
        CSMS_GATEWAY_HEARTBEAT_MS: String(GATEWAY_HEARTBEAT_MS),
        CSMS_GATEWAY_MESSAGE_LOG: 'false',
        LOG_LEVEL: 'warn',
      },
      silent: process.env.TEST_LOGS !== '1',
    })
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`).catch(() => undefined))?.status === 200,
      {
        timeoutMs: 30_000,
        description: 'the gateway ready',
      },
    )
    for (const [i, id] of ids.entries()) {
      const labels: Record<string, string> = i >= 90 ? { ring: 'canary' } : { ring: 'main' }
      await callRpc(h.nc, upsertStationRpc, { stationId: id, siteId: 'fleet-a', labels })
    }
    for (let i = 0; i < FLEET; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (id) => {
          const station = await WsStation.connect(`ws://127.0.0.1:${port}/ocpp`, id)
          stations.set(id, station)
          station.onCall = (call) => answer(station, call)
          await station.call('BootNotification', {
            reason: 'PowerUp',
            chargingStation: { vendorName: 'Acme', model: 'AC-22' },
          })
        }),
      )
    }
    await waitFor(async () => (await online()).length === FLEET, {
      timeoutMs: 30_000,
      description: '100 stations online',
    })
  })

  after(async () => {
    await Promise.all([...stations.values()].map((s) => s.close()))
    await gateway?.stop()
    auth?.unsubscribe()
    await h?.stop()
  })

  /** The station side of a firmware update: accept, then report each status in turn. */
  function answer(station: WsStation, call: { action: string; payload: Record<string, unknown> }) {
    if (call.action === 'SetVariables') {
      const data = call.payload.setVariableData as Array<{ component: unknown; variable: unknown }>
      const attributeStatus = station.id === 'FLEET-095' ? 'Rejected' : 'Accepted'
      return {
        result: {
          setVariableResult: data.map((d) => ({
            component: d.component,
            variable: d.variable,
            attributeStatus,
          })),
        },
      }
    }
    if (call.action !== 'UpdateFirmware') return { error: 'NotImplemented' }
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const requestId = call.payload.requestId
    const steps = failsDownload(station.id)
      ? ['Downloading', 'DownloadFailed']
      : ['Downloading', 'Downloaded', 'Installing', 'Installed']
    return {
      result: { status: 'Accepted' },
      after: async () => {
        for (const [i, status] of steps.entries()) {
          await sleep(10)
          // Counted out before the last status leaves: the CSMS frees the slot only once it has it.
          if (i === steps.length - 1) inFlight--
          await station.call('FirmwareStatusNotification', { status, requestId })
        }
      },
    }
  }

  async function online(): Promise<string[]> {
    const page = await json<{ items: Array<{ id: string }> }>(
      await h.api('/v1/stations?siteId=fleet-a&connected=true&limit=500'),
    )
    return page.items.map((s) => s.id)
  }
  const campaign = async (id: string) => json<CampaignView>(await h.api(`/v1/campaigns/${id}`))
  const updatesReceived = () =>
    [...stations.values()].map((s) => s.calls.filter((c) => c.action === 'UpdateFirmware').length)

  it('runs a firmware campaign 10 at a time, pauses at its failure threshold, and completes once resumed', async () => {
    const created = await json<CampaignView>(
      await h.api('/v1/campaigns', {
        method: 'POST',
        body: JSON.stringify({
          kind: 'firmware',
          name: 'AC-22 2.1.0',
          selector: { siteId: 'fleet-a', model: 'AC-22' },
          firmware: { location: 'https://firmware.example.com/ac22/2.1.0.bin' },
          concurrency: 10,
          failureThreshold: 5,
        }),
      }),
      201,
    )
    assert.equal(created.counts.total, FLEET)

    const paused = await waitFor(
      async () => {
        const c = await campaign(created.id)
        return c.status === 'paused' && c.counts.running === 0 && c
      },
      { timeoutMs: 90_000, intervalMs: 200, description: 'the campaign paused with nothing running' },
    )
    assert.equal(paused.pausedReason, 'failure threshold reached')
    assert.ok(paused.counts.failed >= 5, `failed ${paused.counts.failed}`)
    assert.ok(paused.counts.pending > 0, 'stations not started yet stay pending')
    const sent = updatesReceived().reduce((a, b) => a + b, 0)
    assert.equal(sent, paused.counts.succeeded + paused.counts.failed, 'every started station ended')
    assert.equal(paused.counts.pending, FLEET - sent)
    assert.ok(maxInFlight <= 10, `at most 10 stations at a time, saw ${maxInFlight}`)
    assert.ok(maxInFlight > 1, 'stations are updated in parallel')
    const failed = await json<{ items: Array<{ stationId: string; error: string }> }>(
      await h.api(`/v1/campaigns/${created.id}/targets?state=failed`),
    )
    assert.ok(failed.items.every((t) => failsDownload(t.stationId) && t.error === 'DownloadFailed'))

    const resumed = await json<CampaignView>(
      await h.api(`/v1/campaigns/${created.id}/resume`, {
        method: 'POST',
        body: JSON.stringify({ failureThreshold: 50 }),
      }),
    )
    assert.equal(resumed.status, 'running')
    const done = await waitFor(
      async () => {
        const c = await campaign(created.id)
        return c.status === 'completed' && c
      },
      { timeoutMs: 90_000, intervalMs: 200, description: 'the campaign completed' },
    )
    assert.deepEqual(done.counts, {
      total: 100,
      pending: 0,
      running: 0,
      succeeded: 90,
      failed: 10,
      cancelled: 0,
    })
    assert.deepEqual(new Set(updatesReceived()), new Set([1]), 'each station got exactly one UpdateFirmware')
    assert.ok(maxInFlight <= 10, `at most 10 stations at a time, saw ${maxInFlight}`)
    const jobs = await json<{ items: Array<{ status: string; campaignId: string }> }>(
      await h.api('/v1/stations/FLEET-042/jobs?kind=firmware'),
    )
    assert.deepEqual(
      jobs.items.map((j) => [j.status, j.campaignId]),
      [['Installed', created.id]],
    )
  })

  it('changes a configuration on the stations a label selects, through SetVariables', async () => {
    const created = await json<CampaignView>(
      await h.api('/v1/campaigns', {
        method: 'POST',
        body: JSON.stringify({
          kind: 'configuration',
          selector: { labels: { ring: 'canary' } },
          variables: [
            { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, value: '120' },
          ],
          concurrency: 4,
          failureThreshold: 3,
        }),
      }),
      201,
    )
    assert.equal(created.counts.total, 10)
    const done = await waitFor(
      async () => {
        const c = await campaign(created.id)
        return c.status === 'completed' && c
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the configuration campaign completed' },
    )
    assert.deepEqual([done.counts.succeeded, done.counts.failed], [9, 1])
    const model = await json<{
      items: Array<{ attributes: Array<{ value: string; lastSetStatus: string }> }>
    }>(await h.api('/v1/stations/FLEET-091/variables?variable=HeartbeatInterval'))
    assert.deepEqual(
      model.items.map((v) => [v.attributes[0]?.value, v.attributes[0]?.lastSetStatus]),
      [['120', 'Accepted']],
    )
  })

  it('shows the stations of a gateway killed with SIGKILL offline within its beacon TTL plus one sweep', async () => {
    assert.equal((await online()).length, FLEET)
    const killedAt = Date.now()
    await gateway.stop('SIGKILL')
    await waitFor(async () => (await online()).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'every station of the dead gateway offline',
    })
    const elapsed = Date.now() - killedAt
    // Documented bound (README.md, "Online flag"): beacon TTL + one sweep; 2 s for a busy machine.
    assert.ok(elapsed <= GATEWAY_TTL_MS + SWEEP_MS + 2_000, `offline after ${elapsed} ms`)
    assert.ok(elapsed >= GATEWAY_TTL_MS - GATEWAY_HEARTBEAT_MS, `not before the TTL ran out (${elapsed} ms)`)
  })
})
