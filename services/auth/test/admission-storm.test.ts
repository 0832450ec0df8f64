import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { authenticateStationRpc, callRpc } from '@csms/bus'
import { createDb, migrateToLatest } from '@csms/db'
import { createLogger } from '@csms/telemetry'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres } from '@csms/testkit'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Kysely } from 'kysely'
import { hashPassword } from '../src/domain/password-hash.js'
import { createVerifiedCache } from '../src/domain/verified-cache.js'
import { migrations, SCHEMA } from '../src/migrations/index.js'
import { createCredentialsRepo } from '../src/repo/credentials-repo.js'
import type { AuthDb } from '../src/repo/tables.js'
import { serveCredentialsRpc } from '../src/rpc/credentials-rpc.js'
import type { PasswordRotation } from '../src/station/password-rotation.js'

// A reconnection storm in miniature, over real NATS and PostgreSQL: what one admission costs
// when hundreds arrive at once.
describe('admissions under a reconnection storm', () => {
  let nats: NatsHandle
  let pg: PostgresHandle
  let root: Kysely<AuthDb>
  let nc: NatsConnection
  const queries: string[][] = []
  const scrypts = { count: 0 }
  const PASSWORD = 'storm-password-00001'

  before(async () => {
    ;[nats, pg] = await Promise.all([startNats(), startPostgres()])
    root = createDb<AuthDb>({ url: pg.url, schema: SCHEMA, poolSize: 4 })
    await migrateToLatest(root, { schema: SCHEMA, migrations })
    const db = root.withSchema(SCHEMA)
    const repo = createCredentialsRepo(db)
    const hash = await hashPassword(PASSWORD)
    for (let i = 0; i < 40; i++) await repo.upsert(`PW-${i}`, { securityProfile: 1, passwordHash: hash })
    const counted = {
      ...repo,
      findMany: (ids: readonly string[]) => {
        queries.push([...ids])
        return repo.findMany(ids)
      },
    }
    const cache = createVerifiedCache(60_000)
    const add = cache.add.bind(cache)
    cache.add = (...args) => {
      scrypts.count++ // the cache learns a password only from a successful scrypt check
      add(...args)
    }
    const service = await connect({ servers: nats.url })
    serveCredentialsRpc({
      nc: service,
      repo: counted,
      cache,
      rotation: {} as PasswordRotation,
      allowUnknownStations: true,
      logger: createLogger('auth-test', 'silent'),
      // No shedding here (the unit tests cover it): 40 scrypt checks on a busy shared machine may
      // take longer than the 4 s a gateway would wait.
      admission: { batchSize: 1_000, queries: 2, maxWaitMs: 120_000, hashConcurrency: 2 },
    })
    await service.flush()
    nc = await connect({ servers: nats.url })
  })
  after(async () => {
    await nc?.close()
    await root?.destroy()
    await Promise.all([pg?.stop(), nats?.stop()])
  })

  const auth = (stationId: string, presentedProfile: 0 | 1, password?: string) =>
    callRpc(
      nc,
      authenticateStationRpc,
      { stationId, presentedProfile, ...(password ? { password } : {}) },
      { timeoutMs: 120_000 },
    )

  it('admits 400 concurrent unknown stations (dev mode) with a handful of queries and no scrypt', async () => {
    queries.length = 0
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => auth(`DEV-${i}`, 0)))
    assert.ok(answers.every((a) => a.accepted && !a.registered))
    assert.equal(
      queries.reduce((n, q) => n + q.length, 0),
      400,
      'every station looked up once',
    )
    assert.ok(queries.length <= 10, `${queries.length} queries for 400 admissions`)
    assert.equal(scrypts.count, 0)
  })

  it('checks each registered password once, then serves the reconnect storm from the cache', async () => {
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => auth(`PW-${i}`, 1, PASSWORD)))
    assert.ok(first.every((a) => a.accepted && a.registered))
    assert.equal(scrypts.count, 40)
    queries.length = 0
    const storm = await Promise.all(Array.from({ length: 40 }, (_, i) => auth(`PW-${i}`, 1, PASSWORD)))
    assert.ok(storm.every((a) => a.accepted))
    assert.equal(scrypts.count, 40, 'no second scrypt for a cached station')
    assert.ok(queries.length <= 3, 'the stored hash is still read (a revoked password counts at once)')
  })

  it('still refuses a wrong password for a station whose right password is cached', async () => {
    assert.equal((await auth('PW-0', 1, PASSWORD)).accepted, true)
    assert.deepEqual(await auth('PW-0', 1, 'wrong-password-00001'), {
      accepted: false,
      reason: 'bad_password',
    })
    assert.deepEqual(await auth('PW-0', 1), { accepted: false, reason: 'missing_password' })
  })
})
