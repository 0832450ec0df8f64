import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createDb, migrateToLatest } from '@csms/db'
import { createLogger } from '@csms/telemetry'
import { type PostgresHandle, startPostgres } from '@csms/testkit'
import type { Kysely, KyselyPlugin } from 'kysely'
import { createBootRegistrar } from '../src/handlers/boot-notification.js'
import { migrations, SCHEMA } from '../src/migrations/index.js'
import { createStationRepo } from '../src/repo/station-repo.js'
import { createStationWrites } from '../src/repo/station-writes.js'
import type { DeviceManagementDb } from '../src/repo/tables.js'

/** Counts every statement kysely sends (raw `sql` included). */
function statementCounter(): KyselyPlugin & { count: number } {
  return {
    count: 0,
    transformQuery(args) {
      this.count++
      return args.node
    },
    transformResult: (args) => Promise.resolve(args.result),
  }
}

const policy = { unknownStationStatus: 'Pending', heartbeatIntervalS: 300, retryIntervalS: 60 } as const
const aBoot = (i: number) => ({
  vendor: 'Acme',
  model: `M${i % 3}`,
  serialNumber: `SN-${i}`,
  firmwareVersion: '1.0',
  reason: 'PowerUp',
  protocol: 'ocpp2.0.1',
})

describe('a reconnect storm of BootNotifications is written in groups', () => {
  let pg: PostgresHandle
  let root: Kysely<DeviceManagementDb>
  let db: Kysely<DeviceManagementDb>
  const counter = statementCounter()

  before(async () => {
    pg = await startPostgres()
    root = createDb<DeviceManagementDb>({ url: pg.url, schema: SCHEMA, poolSize: 10 })
    await migrateToLatest(root, { schema: SCHEMA, migrations })
    db = root.withSchema(SCHEMA)
  })
  after(async () => {
    await root?.destroy()
    await pg?.stop()
  })

  it('answers 500 concurrent boots per registration with a handful of statements', async () => {
    const stations = createStationRepo(db)
    // 0-99 registered, 100-149 held Pending, 150-199 Rejected by the operator, the rest unknown.
    for (let i = 0; i < 200; i++) {
      if (i < 100) await stations.upsertRegistration(`CS-${i}`, null)
      else await stations.setRegistrationPolicy(`CS-${i}`, i < 150 ? 'Pending' : 'Rejected')
    }
    const registrar = createBootRegistrar({
      writes: createStationWrites(db.withPlugin(counter)),
      policy,
      clock: () => new Date(),
      logger: createLogger('test', 'silent'),
      commit: { maxBatch: 500, maxConcurrent: 2, maxWaitMs: 8_000 },
    })
    counter.count = 0
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) => registrar.register(`CS-${i}`, aBoot(i), Date.now())),
    )
    assert.ok(counter.count <= 4, `${counter.count} statements for 500 boots`)
    for (const [i, a] of answers.entries()) {
      const want = i < 100 ? 'Accepted' : i < 150 ? 'Pending' : i < 200 ? 'Rejected' : 'Pending'
      assert.equal(a.status, want, `CS-${i}`)
      assert.equal(a.interval, want === 'Accepted' ? 300 : 60)
      assert.ok(!Number.isNaN(Date.parse(a.currentTime)))
    }
    const rows = await db
      .selectFrom('stations')
      .select(['id', 'registration_status', 'serial_number', 'last_boot_at'])
      .execute()
    assert.equal(rows.length, 500)
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const [i, a] of answers.entries()) {
      const row = byId.get(`CS-${i}`)
      assert.equal(row?.registration_status, a.status)
      assert.equal(row?.serial_number, `SN-${i}`)
      assert.ok(row?.last_boot_at)
    }
  })

  it('answers a station only once its boot is in the database', async () => {
    const writes = createStationWrites(db)
    const registrar = createBootRegistrar({
      writes: {
        registrationsOf: (ids) => writes.registrationsOf(ids),
        recordBoots: async (boots) => {
          await new Promise((r) => setTimeout(r, 50))
          await writes.recordBoots(boots)
        },
      },
      policy,
      clock: () => new Date(),
      logger: createLogger('test', 'silent'),
      commit: { maxBatch: 500, maxConcurrent: 2 },
    })
    const seen = await Promise.all(
      ['LATE-1', 'LATE-2', 'LATE-3'].map(async (id) => {
        await registrar.register(id, aBoot(1), Date.now())
        return db.selectFrom('stations').select('vendor').where('id', '=', id).executeTakeFirst()
      }),
    )
    assert.deepEqual(
      seen.map((r) => r?.vendor),
      ['Acme', 'Acme', 'Acme'],
    )
  })

  it('a station that boots twice in one group is stored once with its later boot', async () => {
    const registrar = createBootRegistrar({
      writes: createStationWrites(db),
      policy,
      clock: () => new Date(),
      logger: createLogger('test', 'silent'),
      commit: { maxBatch: 500, maxConcurrent: 1 },
    })
    const [a, b] = await Promise.all([
      registrar.register('TWICE', { ...aBoot(1), firmwareVersion: '1.0' }, Date.now()),
      registrar.register('TWICE', { ...aBoot(1), firmwareVersion: '2.0' }, Date.now()),
    ])
    assert.equal(a.status, 'Pending')
    assert.equal(b.status, 'Pending')
    const row = await db
      .selectFrom('stations')
      .select('firmware_version')
      .where('id', '=', 'TWICE')
      .executeTakeFirst()
    assert.equal(row?.firmware_version, '2.0')
  })
})
