import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createDb, migrateToLatest } from '@csms/db'
import { type PostgresHandle, startPostgres } from '@csms/testkit'
import { type Kysely, sql } from 'kysely'
import { migrations, SCHEMA } from '../src/migrations/index.js'
import { listPartitions, maintainPartitions, partitionName } from '../src/repo/partitions.js'

const DAY = 86_400_000

describe('meter-value partitions', () => {
  let pg: PostgresHandle
  let db: Kysely<unknown>

  before(async () => {
    pg = await startPostgres()
    db = createDb<unknown>({ url: pg.url, schema: SCHEMA, poolSize: 2 })
    await migrateToLatest(db, { schema: SCHEMA, migrations })
  })
  after(async () => {
    await db?.destroy()
    await pg?.stop()
  })

  const insertAt = (at: Date) =>
    sql`
    insert into meter_values (sampled_at, station_id, evse_id, tx_id, seq_no, register_wh, digest, samples)
    values (${at.toISOString()}::timestamptz, 'P-1', 1, 1, 1, 100, 0, '[]'::json)`.execute(db)
  const partitionOf = async (at: Date) => {
    const { rows } = await sql<{ part: string }>`
      select tableoid::regclass::text as part from meter_values where sampled_at = ${at.toISOString()}::timestamptz`.execute(
      db,
    )
    return rows[0]?.part
  }

  it('creates daily partitions ahead and behind, once, and routes readings into their day', async () => {
    const now = new Date('2026-03-10T15:00:00Z')
    const first = await maintainPartitions(db, { now, pastDays: 1, aheadDays: 2, retentionDays: 0 })
    assert.deepEqual(first.created, [
      'meter_values_p20260309',
      'meter_values_p20260310',
      'meter_values_p20260311',
      'meter_values_p20260312',
    ])
    const again = await maintainPartitions(db, { now, pastDays: 1, aheadDays: 2, retentionDays: 0 })
    assert.deepEqual(again.created, [])
    const at = new Date('2026-03-11T23:59:59.999Z')
    await insertAt(at)
    assert.equal(await partitionOf(at), partitionName(at))
  })

  it('keeps a reading outside every partition in the default one, and reports the day it blocks', async () => {
    const stray = new Date('2026-04-20T08:00:00Z')
    await insertAt(stray)
    assert.equal(await partitionOf(stray), 'meter_values_default')
    const report = await maintainPartitions(db, { now: stray, pastDays: 0, aheadDays: 0, retentionDays: 0 })
    assert.deepEqual(report.created, [])
    assert.equal(report.skipped[0]?.name, 'meter_values_p20260420')
    assert.equal(await partitionOf(stray), 'meter_values_default')
  })

  it('drops whole partitions past the retention', async () => {
    const now = new Date(Date.parse('2026-03-12T00:00:00Z') + 30 * DAY)
    const report = await maintainPartitions(db, { now, pastDays: 0, aheadDays: 0, retentionDays: 21 })
    assert.deepEqual(report.dropped, [
      'meter_values_p20260309',
      'meter_values_p20260310',
      'meter_values_p20260311',
      'meter_values_p20260312',
    ])
    assert.deepEqual(await listPartitions(db), [partitionName(now)])
  })
})
