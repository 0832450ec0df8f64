import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ensureStreams, eventSubject, publishEvent } from '@csms/bus'
import { createDb, migrateToLatest } from '@csms/db'
import { createLogger } from '@csms/telemetry'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres, waitFor } from '@csms/testkit'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Kysely } from 'kysely'
import { consumeStationConnections } from '../src/consumers/station-connections.js'
import { migrations, SCHEMA } from '../src/migrations/index.js'
import { createStationConnectionsRepo } from '../src/repo/station-connections-repo.js'
import type { AuthDb } from '../src/repo/tables.js'

describe('station.connected facts of a reconnect storm are handled in batches', () => {
  let nats: NatsHandle
  let pg: PostgresHandle
  let nc: NatsConnection
  let root: Kysely<AuthDb>

  before(async () => {
    ;[nats, pg] = await Promise.all([startNats(), startPostgres()])
    nc = await connect({ servers: nats.url })
    await ensureStreams(await jetstreamManager(nc))
    root = createDb<AuthDb>({ url: pg.url, schema: SCHEMA, poolSize: 4 })
    await migrateToLatest(root, { schema: SCHEMA, migrations })
  })
  after(async () => {
    await nc?.close()
    await root?.destroy()
    await pg?.stop()
    await nats?.stop()
  })

  it('records 1,000 connections with a few queries and reconciles only stations with a local list', async () => {
    const db = root.withSchema(SCHEMA)
    const withList = new Set(['CS-7', 'CS-300', 'CS-999'])
    await db
      .insertInto('local_lists')
      .values([...withList].map((station_id) => ({ station_id })))
      .execute()
    const js = jetstream(nc)
    const now = new Date()
    // The storm is already in the stream when the consumer starts, as after a restart.
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => {
        const stationId = `CS-${i}`
        const data = {
          stationId,
          connectionId: `c${i}`,
          gatewayId: 'gw-1',
          protocol: i % 4 === 0 ? 'ocpp1.6' : 'ocpp2.0.1',
          remoteAddress: '127.0.0.1',
          at: now.toISOString(),
        }
        return publishEvent(js, eventSubject('station', 'connected', stationId), {
          type: 'station.connected',
          stationId,
          time: now.toISOString(),
          data,
        })
      }),
    )
    const repo = createStationConnectionsRepo(db)
    const calls = { record: 0, lists: 0 }
    const scheduled: string[] = []
    const consumer = await consumeStationConnections({
      js,
      jsm: await jetstreamManager(nc),
      stations: {
        recordConnections: (facts) => {
          calls.record++
          return repo.recordConnections(facts)
        },
        withLocalLists: (ids) => {
          calls.lists++
          return repo.withLocalLists(ids)
        },
      },
      sync: { schedule: (stationId) => void scheduled.push(stationId) },
      delayMs: 0,
      maxAgeMs: 60_000,
      clock: () => new Date(),
      logger: createLogger('test', 'silent'),
    })
    try {
      const count = async () =>
        Number(
          (await db.selectFrom('station_auth').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
        )
      await waitFor(async () => (await count()) === 1_000, {
        timeoutMs: 30_000,
        description: 'every connection recorded',
      })
      await waitFor(async () => scheduled.length === withList.size, {
        timeoutMs: 10_000,
        description: 'reconciliations scheduled',
      })
      assert.ok(calls.record <= 10, `${calls.record} upserts for 1,000 facts`)
      assert.ok(calls.lists <= 10, `${calls.lists} local-list lookups for 1,000 facts`)
      assert.deepEqual(scheduled.sort(), [...withList].sort())
      const legacy = await db
        .selectFrom('station_auth')
        .select('protocol')
        .where('station_id', '=', 'CS-8')
        .executeTakeFirst()
      assert.equal(legacy?.protocol, 'ocpp1.6')
    } finally {
      await consumer.stop()
    }
  })

  it('keeps the newest connection per station, within a batch and against the stored one', async () => {
    const db = root.withSchema(SCHEMA)
    const repo = createStationConnectionsRepo(db)
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s))
    await repo.recordConnections([
      { stationId: 'ORDER-1', protocol: 'ocpp2.0.1', at: at(10) },
      { stationId: 'ORDER-1', protocol: 'ocpp1.6', at: at(5) }, // older, arrived later
    ])
    await repo.recordConnections([{ stationId: 'ORDER-1', protocol: 'ocpp2.1', at: at(7) }])
    const row = await db
      .selectFrom('station_auth')
      .select('protocol')
      .where('station_id', '=', 'ORDER-1')
      .executeTakeFirst()
    assert.equal(row?.protocol, 'ocpp2.0.1')
  })
})
