import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import {
  callRpc,
  encodeJson,
  eventSubject,
  GATEWAY_HEARTBEAT_SUBJECT,
  getStationRpc,
  HEADER,
  type OcppReply,
  ocppInSubject,
  publishEvent,
  readOcppReply,
  type ServiceRuntime,
} from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import {
  freePort,
  type NatsHandle,
  type PostgresHandle,
  type ProcessHandle,
  spawnProcess,
  startNats,
  startPostgres,
  waitFor,
} from '@csms/testkit'
import { jetstream } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { startDeviceManagement } from '../../src/app.js'
import { DeviceManagementConfigSchema } from '../../src/config.js'

export const ROOT = resolve(import.meta.dirname, '../../../../..')
const PROTOCOL = { v16: 'ocpp1.6', v201: 'ocpp2.0.1', v21: 'ocpp2.1' } as const

export type Harness = {
  nats: NatsHandle
  pg: PostgresHandle
  nc: NatsConnection
  service: ServiceRuntime
  /** The operator API as its own process, when started with `api: true`. */
  api(path: string, init?: RequestInit): Promise<Response>
  /** A station CALL as the gateway forwards it. */
  call(version: OcppVersion, action: string, stationId: string, payload: unknown): Promise<OcppReply>
  /** Like call, failing the test on a CALLERROR. */
  ok<T = Record<string, unknown>>(
    version: OcppVersion,
    action: string,
    stationId: string,
    payload: unknown,
  ): Promise<T>
  /** A station connected (through the fake gateway `gw-test`) and booted on `version`. */
  bootStation(stationId: string, version?: OcppVersion): Promise<void>
  stop(): Promise<void>
}

/** Real NATS and PostgreSQL, device-management in-process, optionally the API as a process. */
export async function startHarness(
  opts: { env?: Record<string, string>; api?: boolean } = {},
): Promise<Harness> {
  const nats = await startNats()
  const pg = await startPostgres()
  let service: ServiceRuntime | undefined
  let apiProcess: ProcessHandle | undefined
  let nc: NatsConnection | undefined
  let beacon: NodeJS.Timeout | undefined
  /** Every step runs even when one fails, so no server outlives the test. */
  const stop = async () => {
    clearInterval(beacon)
    const failures: unknown[] = []
    const steps = [
      () => apiProcess?.stop(),
      () => nc?.close(),
      () => service?.stop(),
      () => pg.stop(),
      () => nats.stop(),
    ]
    for (const step of steps) await Promise.resolve(step()).catch((error: unknown) => failures.push(error))
    if (failures.length > 0) throw failures[0]
  }
  try {
    service = await startDeviceManagement(
      DeviceManagementConfigSchema.parse({
        NATS_URL: nats.url,
        DATABASE_URL: pg.url,
        CSMS_OPS_PORT: '0',
        CSMS_OPS_HOST: '127.0.0.1',
        CSMS_DB_POOL_SIZE: '4',
        CSMS_BOOT_UNKNOWN_STATUS: 'Accepted',
        CSMS_CAMPAIGN_TICK_MS: '250',
        CSMS_STATION_CALL_TIMEOUT_MS: '5000',
        ...opts.env,
      }),
    )
    void service.serve()
    const client = await connect({ servers: nats.url })
    nc = client
    // The fake gateway that "holds" the test's stations stays alive for the whole test.
    const beat = () =>
      client.publish(
        GATEWAY_HEARTBEAT_SUBJECT,
        encodeJson({ gatewayId: 'gw-test', at: new Date().toISOString(), connections: 1, ttlMs: 60_000 }),
      )
    beat()
    beacon = setInterval(beat, 5_000)
    const token = randomBytes(24).toString('base64url')
    let apiUrl = ''
    if (opts.api) {
      const port = await freePort()
      apiUrl = `http://127.0.0.1:${port}`
      apiProcess = await spawnProcess({
        name: 'api',
        command: process.execPath,
        args: [resolve(ROOT, 'services/api/dist/src/main.js')],
        env: {
          NATS_URL: nats.url,
          DATABASE_URL: pg.url,
          CSMS_API_TOKEN: token,
          CSMS_API_HOST: '127.0.0.1',
          CSMS_API_PORT: String(port),
          CSMS_OPS_HOST: '127.0.0.1',
          CSMS_OPS_PORT: String(await freePort()),
          CSMS_API_REQUIRED_SERVICES: 'device-management',
          LOG_LEVEL: 'warn',
        },
        silent: process.env.TEST_LOGS !== '1',
      })
      const api = apiProcess
      const died = new AbortController()
      void api.exited.then(() => died.abort(new Error(`api exited:\n${api.recentOutput().join('\n')}`)))
      await waitFor(async () => (await fetch(`${apiUrl}/readyz`).catch(() => undefined))?.status === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: 'the API ready',
        signal: died.signal,
      })
    }
    let messageId = 0
    const call: Harness['call'] = async (version, action, stationId, payload) => {
      const h = headers()
      h.set(HEADER.messageId, String(++messageId))
      const msg = await client.request(ocppInSubject(version, action, stationId), encodeJson(payload), {
        timeout: 15_000,
        headers: h,
      })
      return readOcppReply(msg)
    }
    const ok: Harness['ok'] = async (version, action, stationId, payload) => {
      const reply = await call(version, action, stationId, payload)
      if (!reply.ok) throw new Error(`${action} answered ${reply.code}: ${reply.description}`)
      return reply.payload as never
    }
    return {
      nats,
      pg,
      nc: client,
      service,
      api: (path, init = {}) =>
        fetch(`${apiUrl}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        }),
      call,
      ok,
      async bootStation(stationId, version = 'v201') {
        const at = new Date().toISOString()
        await publishEvent(jetstream(client), eventSubject('station', 'connected', stationId), {
          type: 'station.connected',
          stationId,
          time: at,
          data: {
            stationId,
            connectionId: `c-${stationId}`,
            gatewayId: 'gw-test',
            protocol: PROTOCOL[version],
            remoteAddress: '127.0.0.1',
            at,
          },
        })
        if (version === 'v16')
          await ok(version, 'BootNotification', stationId, {
            chargePointVendor: 'Acme',
            chargePointModel: 'Old',
          })
        else
          await ok(version, 'BootNotification', stationId, {
            reason: 'PowerUp',
            chargingStation: { vendorName: 'Acme', model: 'AC-22' },
          })
        await waitFor(
          async () => (await callRpc(client, getStationRpc, { stationId })).station?.connected === true,
          {
            timeoutMs: 10_000,
            description: `${stationId} connected`,
          },
        )
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

export async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  const text = await res.text()
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`)
  return JSON.parse(text) as T
}
