import {
  callRpc,
  encodeJson,
  getStationRpc,
  HEADER,
  type OcppReply,
  ocppInSubject,
  ocppOutPattern,
  readOcppReply,
  type ServiceRuntime,
  serveRpc,
} from '@csms/bus'
import { createDb } from '@csms/db'
import type { OcppVersion } from '@csms/ocpp'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres } from '@csms/testkit'
import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import type { Kysely } from 'kysely'
import { startTransaction } from '../../src/app.js'
import { TransactionConfigSchema } from '../../src/config.js'
import { SCHEMA } from '../../src/migrations/index.js'

/** Real NATS and PostgreSQL, the service in-process, and a client connection for the test. */
export type Harness = {
  nats: NatsHandle
  pg: PostgresHandle
  nc: NatsConnection
  /** The first replica. */
  service: ServiceRuntime
  /** Every replica (`replicas` option), the first one included. */
  replicas: readonly ServiceRuntime[]
  /** The service's schema, for looking at what was stored. */
  db: Kysely<unknown>
  env: Record<string, string>
  /** A station CALL as the gateway forwards it. */
  call(
    version: OcppVersion,
    action: string,
    stationId: string,
    payload: unknown,
    timeoutMs?: number,
  ): Promise<OcppReply>
  /** Like call, but the CALLRESULT payload, failing the test on a CALLERROR. */
  ok<T = Record<string, unknown>>(
    version: OcppVersion,
    action: string,
    stationId: string,
    payload: unknown,
  ): Promise<T>
  /** Stops the first replica and starts it again (the others keep serving). */
  restartService(): Promise<void>
  /** Only with `restartable`: private servers, stopped and started again on the same data. */
  restartNats(): Promise<void>
  restartPostgres(): Promise<void>
  stop(): Promise<void>
}

export async function startHarness(
  env: Record<string, string> = {},
  opts: {
    restartable?: boolean
    /** Instances of the service in one queue group, as replicas of a deployment (default 1). */
    replicas?: number
  } = {},
): Promise<Harness> {
  const nats = opts.restartable ? await startNats({ restartable: true }) : await startNats()
  const pg = opts.restartable ? await startPostgres({ restartable: true }) : await startPostgres()
  const restartable = <T>(handle: T, what: string) => {
    const restart = (handle as { restart?: () => Promise<void> }).restart
    if (!restart)
      return () => Promise.reject(new Error(`startHarness({ restartable: true }) to restart ${what}`))
    return () => restart.call(handle)
  }
  const fullEnv = {
    NATS_URL: nats.url,
    DATABASE_URL: pg.url,
    CSMS_OPS_PORT: '0',
    CSMS_OPS_HOST: '127.0.0.1',
    CSMS_DB_POOL_SIZE: '4',
    ...env,
  }
  const boot = async () => {
    const s = await startTransaction(TransactionConfigSchema.parse(fullEnv))
    void s.serve()
    return s
  }
  const services: ServiceRuntime[] = []
  for (let i = 0; i < (opts.replicas ?? 1); i++) services.push(await boot())
  const nc = await connect({ servers: nats.url })
  const db = createDb<unknown>({ url: pg.url, schema: SCHEMA, poolSize: 2 })
  let messageId = 0
  const call: Harness['call'] = async (version, action, stationId, payload, timeoutMs = 10_000) => {
    const h = headers()
    h.set(HEADER.messageId, String(++messageId))
    const msg = await nc.request(ocppInSubject(version, action, stationId), encodeJson(payload), {
      timeout: timeoutMs,
      headers: h,
    })
    return readOcppReply(msg)
  }
  return {
    nats,
    pg,
    nc,
    db,
    env: fullEnv,
    get service() {
      return services[0] as ServiceRuntime
    },
    replicas: services,
    call,
    async ok(version, action, stationId, payload) {
      const reply = await call(version, action, stationId, payload)
      if (!reply.ok) throw new Error(`${action} answered ${reply.code}: ${reply.description}`)
      return reply.payload as never
    },
    async restartService() {
      await services[0]?.stop()
      services[0] = await boot()
    },
    restartNats: restartable(nats, 'NATS'),
    restartPostgres: restartable(pg, 'PostgreSQL'),
    async stop() {
      await nc?.close()
      await db?.destroy()
      for (const s of services) await s.stop()
      await pg?.stop()
      await nats?.stop()
    },
  }
}

export type FakeStation = {
  calls: Array<{ action: string; payload: Record<string, unknown> }>
  stop(): void
}

/**
 * Plays the gateway holding a station's socket: answers CSMS-initiated calls on
 * ocpp.out.<station>.<Action> with what `answers` gives, and records them.
 */
export function fakeStation(
  nc: NatsConnection,
  stationId: string,
  answers: Record<string, (payload: Record<string, unknown>) => unknown>,
): FakeStation {
  const calls: FakeStation['calls'] = []
  const sub: Subscription = nc.subscribe(ocppOutPattern(stationId), {
    callback: (_err, msg) => {
      const action = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
      const payload = JSON.parse(new TextDecoder().decode(msg.data)) as Record<string, unknown>
      calls.push({ action, payload })
      const answer = answers[action]
      msg.respond(encodeJson(answer ? answer(payload) : {}))
    },
  })
  return { calls, stop: () => sub.unsubscribe() }
}

/** Plays device-management for the stations a test uses: connected, on the protocol given. */
export function fakeStationRegistry(
  nc: NatsConnection,
  stations: Record<string, { protocol: string; siteId?: string }>,
) {
  return serveRpc(nc, getStationRpc, async ({ stationId }) => {
    const s = stations[stationId]
    if (!s) return { station: null }
    return {
      station: {
        id: stationId,
        registered: true,
        connected: true,
        protocol: s.protocol,
        lastBootAt: null,
        registrationStatus: 'Accepted',
        registrationPolicy: null,
        vendor: null,
        model: null,
        firmwareVersion: null,
        serialNumber: null,
        siteId: s.siteId ?? null,
        labels: {},
        lastSeenAt: null,
        evses: [],
      },
    }
  })
}

export { callRpc }
