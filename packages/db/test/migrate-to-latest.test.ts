import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type PostgresHandle, startPostgres } from '@csms/testkit'
import { type Kysely, type Migration, sql } from 'kysely'
import { closeDb, createDb, migrateToLatest } from '../src/index.js'
import { type ItemsSchema, itemsMigrations } from './migrations.fixture.js'

async function tablesIn(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = ${schema} order by 1
  `.execute(db)
  return rows.map((r) => r.name)
}

describe('migrateToLatest', () => {
  let pg: PostgresHandle
  let db: Kysely<unknown>

  before(async () => {
    pg = await startPostgres()
    db = createDb({ url: pg.url, applicationName: 'db-tests' })
  })
  after(async () => {
    await closeDb(db)
    await pg?.stop()
  })

  it('applies every migration inside the schema, history included', async () => {
    const summary = await migrateToLatest(db, { schema: 'inventory', migrations: itemsMigrations })
    assert.deepEqual(summary, {
      schema: 'inventory',
      executed: ['001_create_items', '002_create_owners', '003_count_runs'],
    })
    assert.deepEqual(await tablesIn(db, 'inventory'), [
      'items',
      'kysely_migration',
      'kysely_migration_lock',
      'owners',
      'runs',
    ])
    assert.deepEqual(await tablesIn(db, 'public'), [])
  })

  it('does nothing the second time', async () => {
    const summary = await migrateToLatest(db, { schema: 'inventory', migrations: itemsMigrations })
    assert.deepEqual(summary.executed, [])
  })

  it('applies only what is new when a migration is added', async () => {
    const more: Record<string, Migration> = {
      ...itemsMigrations,
      '004_add_note': {
        async up(m: Kysely<unknown>) {
          await m.schema.alterTable('items').addColumn('note', 'text').execute()
        },
      },
    }
    const summary = await migrateToLatest(db, { schema: 'inventory', migrations: more })
    assert.deepEqual(summary.executed, ['004_add_note'])
  })

  it('keeps two schemas apart: same table names, separate data and histories', async () => {
    await migrateToLatest(db, { schema: 'alpha', migrations: itemsMigrations })
    const beta = await migrateToLatest(db, { schema: 'beta', migrations: itemsMigrations })
    assert.equal(beta.executed.length, 3, 'beta has its own history')
    const alphaDb = createDb<ItemsSchema>({ url: pg.url, schema: 'alpha', poolSize: 2 })
    const betaDb = createDb<ItemsSchema>({ url: pg.url, schema: 'beta', poolSize: 2 })
    try {
      await alphaDb.insertInto('items').values({ id: 'only-in-alpha', owner_id: null }).execute()
      assert.equal((await alphaDb.selectFrom('items').selectAll().execute()).length, 1)
      assert.equal((await betaDb.selectFrom('items').selectAll().execute()).length, 0)
    } finally {
      await Promise.all([closeDb(alphaDb), closeDb(betaDb)])
    }
  })

  it('runs each migration once when two processes migrate at the same time', async () => {
    const first = createDb({ url: pg.url, poolSize: 2 })
    const second = createDb({ url: pg.url, poolSize: 2 })
    try {
      const [a, b] = await Promise.all([
        migrateToLatest(first, { schema: 'racing', migrations: itemsMigrations }),
        migrateToLatest(second, { schema: 'racing', migrations: itemsMigrations }),
      ])
      assert.deepEqual([...a.executed, ...b.executed].sort(), Object.keys(itemsMigrations).sort())
      const runs = createDb<ItemsSchema>({ url: pg.url, schema: 'racing', poolSize: 1 })
      const rows = await runs.selectFrom('runs').selectAll().execute()
      await closeDb(runs)
      assert.deepEqual(rows, [{ migration: '003_count_runs' }])
    } finally {
      await Promise.all([closeDb(first), closeDb(second)])
    }
  })

  it('names the failed migration and applies none of the batch', async () => {
    const broken: Record<string, Migration> = {
      '001_ok': {
        async up(m: Kysely<unknown>) {
          await m.schema.createTable('fine').addColumn('id', 'integer').execute()
        },
      },
      '002_broken': {
        async up(m: Kysely<unknown>) {
          await sql`select * from no_such_table`.execute(m)
        },
      },
    }
    await assert.rejects(migrateToLatest(db, { schema: 'broken', migrations: broken }), (error: unknown) => {
      assert.ok(error instanceof Error)
      assert.equal(error.name, 'DbError')
      assert.match(error.message, /migration "002_broken" in schema "broken" failed: .*no_such_table/)
      assert.equal((error as { migration?: string }).migration, '002_broken')
      return true
    })
    assert.equal((await tablesIn(db, 'broken')).includes('fine'), false, 'the batch rolled back')
  })

  it('rejects a schema name that would need quoting', async () => {
    await assert.rejects(
      migrateToLatest(db, { schema: 'Bad-Name', migrations: {} }),
      /invalid schema name "Bad-Name"/,
    )
  })
})
