import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createDb, migrateToLatest } from '@csms/db'
import { type PostgresHandle, startPostgres } from '@csms/testkit'
import { type Kysely, sql } from 'kysely'
import { migrations, SCHEMA } from '../src/migrations/index.js'
import { maintainPartitions } from '../src/repo/partitions.js'

const before0003 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0003'))

describe('migration 0003: session documents and samples as json', () => {
  let pg: PostgresHandle
  let db: Kysely<unknown>

  before(async () => {
    pg = await startPostgres()
    db = createDb<unknown>({ url: pg.url, schema: SCHEMA, poolSize: 2 })
  })
  after(async () => {
    await db?.destroy()
    await pg?.stop()
  })

  const columnTypes = async () => {
    const { rows } = await sql<{ table_name: string; data_type: string }>`
      select table_name, data_type from information_schema.columns
      where table_schema = ${SCHEMA} and ((table_name = 'transactions' and column_name = 'doc')
        or (table_name = 'meter_values' and column_name = 'samples'))
      order by table_name`.execute(db)
    return rows.map((r) => `${r.table_name}.${r.data_type}`)
  }

  it('converts a database written as jsonb without losing a session or a sampled value', async () => {
    await migrateToLatest(db, { schema: SCHEMA, migrations: before0003 })
    assert.deepEqual(await columnTypes(), ['meter_values.jsonb', 'transactions.jsonb'])
    const now = new Date('2026-03-10T15:00:00Z')
    await maintainPartitions(db, { now, pastDays: 1, aheadDays: 1, retentionDays: 0 })
    const doc = { startedAt: '2026-03-10T14:00:00.000Z', seqs: [[0, 3]], energy: { importedWh: 1234.5 } }
    const samples = [
      ['Energy.Active.Import.Register', '', 'Outlet', 'Sample.Periodic', 'Wh', 0, 1234.5, 1234.5],
    ]
    await sql`insert into transactions (station_id, transaction_id, protocol, state, sort_at, doc)
      values ('M-1', 't-1', 'ocpp2.0.1', 'active', ${now.toISOString()}::timestamptz, ${JSON.stringify(doc)}::jsonb),
             ('M-1', 't-2', 'ocpp2.0.1', 'active', ${now.toISOString()}::timestamptz, 'null'::jsonb)`.execute(
      db,
    )
    // One row in a daily partition, one in the default partition (a clock years off).
    for (const at of [now.toISOString(), '2019-01-01T00:00:00.000Z'])
      await sql`insert into meter_values (sampled_at, station_id, evse_id, tx_id, seq_no, register_wh, digest, samples)
        values (${at}::timestamptz, 'M-1', 1, 1, 1, 1234.5, 0, ${JSON.stringify(samples)}::jsonb)`.execute(db)

    const summary = await migrateToLatest(db, { schema: SCHEMA, migrations })
    assert.deepEqual(summary.executed, ['0003-json-documents'])
    assert.deepEqual(await columnTypes(), ['meter_values.json', 'transactions.json'])
    const sessions = await sql<{ transaction_id: string; doc: unknown }>`
      select transaction_id, doc from transactions order by transaction_id`.execute(db)
    assert.deepEqual(
      sessions.rows.map((r) => [r.transaction_id, r.doc]),
      [
        ['t-1', doc],
        ['t-2', null],
      ],
    )
    const meter = await sql<{
      samples: unknown
    }>`select samples from meter_values order by sampled_at`.execute(db)
    assert.deepEqual(
      meter.rows.map((r) => r.samples),
      [samples, samples],
    )
  })
})
