import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  encodeJson,
  eventSubject,
  GATEWAY_HEARTBEAT_SUBJECT,
  getStationRpc,
  HEADER,
  ocppInSubject,
  publishEvent,
  readOcppReply,
  type ServiceRuntime,
  upsertStationRpc,
} from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres, waitFor } from '@csms/testkit'
import { jetstream } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { startDeviceManagement } from '../src/app.js'
import { DeviceManagementConfigSchema } from '../src/config.js'

describe('device-management over real NATS and PostgreSQL', () => {
  let nats: NatsHandle
  let pg: PostgresHandle
  let service: ServiceRuntime
  let nc: NatsConnection

  before(async () => {
    nats = await startNats()
    pg = await startPostgres()
    const config = DeviceManagementConfigSchema.parse({
      NATS_URL: nats.url,
      DATABASE_URL: pg.url,
      CSMS_OPS_PORT: '0',
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_BOOT_UNKNOWN_STATUS: 'Pending',
      CSMS_GATEWAY_TTL_MS: '1000',
    })
    service = await startDeviceManagement(config)
    void service.serve()
    nc = await connect({ servers: nats.url })
  })
  after(async () => {
    await nc?.close()
    await service?.stop()
    await pg?.stop()
    await nats?.stop()
  })

  const call = async (version: OcppVersion, action: string, stationId: string, payload: unknown) => {
    const h = headers()
    h.set(HEADER.messageId, '1')
    const msg = await nc.request(ocppInSubject(version, action, stationId), encodeJson(payload), {
      timeout: 5_000,
      headers: h,
    })
    return readOcppReply(msg)
  }
  const station = async (id: string) => (await callRpc(nc, getStationRpc, { stationId: id })).station

  it('answers an unregistered station per policy and a registered one Accepted', async () => {
    const boot = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC' } }
    const pending = await call('v201', 'BootNotification', 'DM-1', boot)
    assert.ok(pending.ok)
    assert.equal((pending.payload as { status: string }).status, 'Pending')
    await callRpc(nc, upsertStationRpc, { stationId: 'DM-1', siteId: 'site-a' })
    const accepted = await call('v201', 'BootNotification', 'DM-1', boot)
    assert.ok(accepted.ok)
    assert.deepEqual(
      {
        status: (accepted.payload as { status: string }).status,
        interval: (accepted.payload as { interval: number }).interval,
      },
      { status: 'Accepted', interval: 300 },
    )
    const stored = await station('DM-1')
    assert.equal(stored?.vendor, 'Acme')
    assert.equal(stored?.siteId, 'site-a')
    assert.equal(stored?.registrationStatus, 'Accepted')
  })

  it('answers a 1.6 BootNotification with the same domain model', async () => {
    const reply = await call('v16', 'BootNotification', 'DM-16', {
      chargePointVendor: 'Old',
      chargePointModel: 'AC16',
    })
    assert.ok(reply.ok)
    assert.equal((reply.payload as { status: string }).status, 'Pending')
    assert.equal((await station('DM-16'))?.protocol, 'ocpp1.6')
  })

  it('rejects a payload that breaks the schema at its own edge', async () => {
    const reply = await call('v201', 'StatusNotification', 'DM-2', { evseId: 1 })
    assert.equal(reply.ok, false)
  })

  it('keeps the newest status per EVSE and connector when messages cross', async () => {
    const newer = new Date().toISOString()
    const older = new Date(Date.now() - 60_000).toISOString()
    await call('v201', 'StatusNotification', 'DM-3', {
      timestamp: newer,
      connectorStatus: 'Occupied',
      evseId: 2,
      connectorId: 1,
    })
    await call('v201', 'StatusNotification', 'DM-3', {
      timestamp: older,
      connectorStatus: 'Available',
      evseId: 2,
      connectorId: 1,
    })
    await call('v201', 'StatusNotification', 'DM-3', {
      timestamp: older,
      connectorStatus: 'Faulted',
      evseId: 1,
      connectorId: 1,
    })
    const evses = (await station('DM-3'))?.evses
    assert.deepEqual(
      evses?.map((e) => [e.evseId, e.connectors.map((c) => c.status)]),
      [
        [1, ['Faulted']],
        [2, ['Occupied']],
      ],
    )
  })

  it('keeps the online flag from connection facts; a stale disconnect does not take a newer socket offline', async () => {
    const js = jetstream(nc)
    const fact = (kind: 'connected' | 'disconnected', connectionId: string, extra: object = {}) =>
      publishEvent(js, eventSubject('station', kind, 'DM-4'), {
        type: `station.${kind}`,
        stationId: 'DM-4',
        time: new Date().toISOString(),
        data: {
          stationId: 'DM-4',
          connectionId,
          gatewayId: 'gw-a',
          at: new Date().toISOString(),
          protocol: 'ocpp2.0.1',
          remoteAddress: '127.0.0.1',
          code: 1000,
          reason: '',
          ...extra,
        },
      })
    // gw-a is alive: without its beacon the liveness sweep would (rightly) take DM-4 offline.
    nc.publish(
      GATEWAY_HEARTBEAT_SUBJECT,
      encodeJson({ gatewayId: 'gw-a', at: new Date().toISOString(), connections: 1, ttlMs: 60_000 }),
    )
    await fact('connected', 'c1')
    await waitFor(async () => (await station('DM-4'))?.connected === true, { timeoutMs: 5_000 })
    await fact('connected', 'c2')
    await fact('disconnected', 'c1')
    await nc.flush()
    await new Promise((r) => setTimeout(r, 300))
    assert.equal((await station('DM-4'))?.connected, true)
    await fact('disconnected', 'c2')
    await waitFor(async () => (await station('DM-4'))?.connected === false, { timeoutMs: 5_000 })
  })

  it('marks the stations of a gateway that stopped beaconing offline', async () => {
    const js = jetstream(nc)
    // gw-dead beacons until its station shows online (a slow machine may take longer than one
    // TTL to apply the connection fact), then falls silent.
    const beat = () =>
      nc.publish(
        GATEWAY_HEARTBEAT_SUBJECT,
        encodeJson({ gatewayId: 'gw-dead', at: new Date().toISOString(), connections: 1, ttlMs: 500 }),
      )
    beat()
    const beacon = setInterval(beat, 100)
    try {
      await publishEvent(js, eventSubject('station', 'connected', 'DM-5'), {
        type: 'station.connected',
        stationId: 'DM-5',
        time: new Date().toISOString(),
        data: {
          stationId: 'DM-5',
          connectionId: 'x',
          gatewayId: 'gw-dead',
          at: new Date().toISOString(),
          protocol: 'ocpp2.0.1',
          remoteAddress: '127.0.0.1',
        },
      })
      await waitFor(async () => (await station('DM-5'))?.connected === true, { timeoutMs: 5_000 })
    } finally {
      clearInterval(beacon)
    }
    await waitFor(async () => (await station('DM-5'))?.connected === false, {
      timeoutMs: 5_000,
      description: 'DM-5 offline after its gateway went silent',
    })
  })

  it('brings a station of a pod taken for dead back online once it speaks, not one whose socket closed', async () => {
    // gw-dead was only cut off from NATS: it beacons again, its sockets never dropped.
    const beat = () =>
      nc.publish(
        GATEWAY_HEARTBEAT_SUBJECT,
        encodeJson({ gatewayId: 'gw-dead', at: new Date().toISOString(), connections: 1, ttlMs: 60_000 }),
      )
    beat()
    await nc.flush()
    assert.equal((await station('DM-5'))?.connected, false, 'a beacon alone proves no socket')
    const heartbeat = await call('v201', 'Heartbeat', 'DM-5', {})
    assert.ok(heartbeat.ok)
    assert.equal((await station('DM-5'))?.connected, true)
    // DM-4's socket closed (its gateway said so): a late message does not revive it.
    assert.ok((await call('v201', 'Heartbeat', 'DM-4', {})).ok)
    assert.equal((await station('DM-4'))?.connected, false)
  })
})
