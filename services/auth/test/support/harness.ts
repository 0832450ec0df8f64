import {
  encodeJson,
  eventSubject,
  HEADER,
  type OcppReply,
  ocppInSubject,
  ocppOutPattern,
  publishEvent,
  readOcppReply,
  replyOcpp,
  type ServiceRuntime,
} from '@csms/bus'
import { createDb } from '@csms/db'
import type { OcppVersion } from '@csms/ocpp'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres, waitFor } from '@csms/testkit'
import { jetstream } from '@nats-io/jetstream'
import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import type { Kysely } from 'kysely'
import { startAuth } from '../../src/app.js'
import { AuthConfigSchema } from '../../src/config.js'
import { SCHEMA } from '../../src/migrations/index.js'
import type { AuthDb } from '../../src/repo/tables.js'

/** Real NATS and PostgreSQL, the auth service in-process, and a client connection for the test. */
export type Harness = {
  nats: NatsHandle
  pg: PostgresHandle
  nc: NatsConnection
  service: ServiceRuntime
  /** The service's schema, for looking at what was stored. */
  db: Kysely<AuthDb>
  /** A station CALL as the gateway forwards it. */
  call(version: OcppVersion, action: string, stationId: string, payload: unknown): Promise<OcppReply>
  /** Like call, but the CALLRESULT payload; a CALLERROR fails the test. */
  ok<T = Record<string, unknown>>(
    version: OcppVersion,
    action: string,
    stationId: string,
    payload: unknown,
  ): Promise<T>
  /** The gateway's station.connected fact for a station. */
  connected(stationId: string, protocol?: string, at?: Date): Promise<void>
  /** Connected, and auth has recorded the station's protocol (for the calls it sends). */
  online(stationId: string, protocol?: string): Promise<void>
  stop(): Promise<void>
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const [nats, pg] = await Promise.all([startNats(), startPostgres()])
  const service = await startAuth(
    AuthConfigSchema.parse({
      NATS_URL: nats.url,
      DATABASE_URL: pg.url,
      CSMS_OPS_PORT: '0',
      CSMS_OPS_HOST: '127.0.0.1',
      CSMS_DB_POOL_SIZE: '4',
      CSMS_AUTH_RECONCILE_DELAY_MS: '0',
      CSMS_AUTH_STATION_CALL_TIMEOUT_MS: '5000',
      ...env,
    }),
  )
  void service.serve()
  const nc = await connect({ servers: nats.url })
  const db = createDb<AuthDb>({ url: pg.url, schema: SCHEMA, poolSize: 2 })
  const js = jetstream(nc)
  let messageId = 0
  const call: Harness['call'] = async (version, action, stationId, payload) => {
    const h = headers()
    h.set(HEADER.messageId, String(++messageId))
    const msg = await nc.request(ocppInSubject(version, action, stationId), encodeJson(payload), {
      timeout: 15_000,
      headers: h,
    })
    return readOcppReply(msg)
  }
  let connection = 0
  const connected: Harness['connected'] = async (stationId, protocol = 'ocpp2.0.1', at = new Date()) => {
    const data = {
      stationId,
      connectionId: `c${++connection}`,
      gatewayId: 'gw-test',
      protocol,
      remoteAddress: '127.0.0.1',
      at: at.toISOString(),
    }
    await publishEvent(js, eventSubject('station', 'connected', stationId), {
      type: 'station.connected',
      stationId,
      time: at.toISOString(),
      data,
    })
  }
  return {
    nats,
    pg,
    nc,
    db,
    service,
    call,
    async ok(version, action, stationId, payload) {
      const reply = await call(version, action, stationId, payload)
      if (!reply.ok) throw new Error(`${action} answered ${reply.code}: ${reply.description}`)
      return reply.payload as never
    },
    connected,
    async online(stationId, protocol = 'ocpp2.0.1') {
      await connected(stationId, protocol)
      await waitFor(
        async () =>
          (
            await db
              .selectFrom('station_auth')
              .select('protocol')
              .where('station_id', '=', stationId)
              .executeTakeFirst()
          )?.protocol === protocol,
        { timeoutMs: 20_000, description: `auth knows ${stationId} speaks ${protocol}` },
      )
    },
    async stop() {
      await nc?.close()
      await db?.destroy()
      await service?.stop()
      await Promise.all([pg?.stop(), nats?.stop()])
    },
  }
}

type Answer = (payload: Record<string, unknown>) => unknown
export type StationCall = { action: string; payload: Record<string, unknown> }
export type FakeStation = {
  calls: StationCall[]
  /** Waits until the station received `count` calls of `action`; returns them. */
  received(action: string, count?: number): Promise<StationCall[]>
  stop(): void
}

/** An answer that becomes a CALLERROR. */
export const callError = (code: string) => ({ callError: code })

/**
 * Plays the gateway holding a station's socket: answers CSMS-initiated calls on
 * ocpp.out.<station>.<Action> with what `answers` gives (mutable, so a test can change its
 * mind), and records them.
 */
export function fakeStation(
  nc: NatsConnection,
  stationId: string,
  answers: Record<string, Answer>,
): FakeStation {
  const calls: StationCall[] = []
  const sub: Subscription = nc.subscribe(ocppOutPattern(stationId), {
    callback: (_err, msg) => {
      const action = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
      const payload = JSON.parse(new TextDecoder().decode(msg.data)) as Record<string, unknown>
      calls.push({ action, payload })
      const answer = answers[action]?.(payload) ?? {}
      const error = (answer as { callError?: string }).callError
      replyOcpp(
        msg,
        error ? { ok: false, code: error, description: 'test', details: {} } : { ok: true, payload: answer },
      )
    },
  })
  return {
    calls,
    received: (action, count = 1) =>
      waitFor(
        () => {
          const found = calls.filter((c) => c.action === action)
          return found.length >= count ? found : undefined
        },
        { timeoutMs: 20_000, description: `${count} ${action} at ${stationId}` },
      ),
    stop: () => sub.unsubscribe(),
  }
}
