import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type PostgresHandle, startPostgres } from '@csms/testkit'
import { type Kysely, sql } from 'kysely'
import { closeDb, createDb, type DbError, migrateToLatest, pingDb, toDbError } from '../src/index.js'
import { type ItemsSchema, itemsMigrations } from './migrations.fixture.js'

async function failureOf(work: () => Promise<unknown>): Promise<DbError> {
  try {
    await work()
  } catch (error) {
    return toDbError(error)
  }
  assert.fail('expected the database to refuse')
}

describe('database errors', () => {
  let pg: PostgresHandle
  let db: Kysely<ItemsSchema>

  before(async () => {
    pg = await startPostgres()
    db = createDb<ItemsSchema>({ url: pg.url, schema: 'shop' })
    await migrateToLatest(db, { schema: 'shop', migrations: itemsMigrations })
  })
  after(async () => {
    await closeDb(db)
    await pg?.stop()
  })

  it('turns a duplicate key into unique_violation naming the constraint', async () => {
    await db.insertInto('owners').values({ id: 'o-1' }).execute()
    const error = await failureOf(() => db.insertInto('owners').values({ id: 'o-1' }).execute())
    assert.equal(error.code, 'unique_violation')
    assert.equal(error.retryable, false)
    assert.equal(error.constraint, 'owners_pkey')
    assert.equal(error.table, 'owners')
  })

  it('turns a missing parent row into foreign_key_violation', async () => {
    const error = await failureOf(() =>
      db.insertInto('items').values({ id: 'i-1', owner_id: 'nobody' }).execute(),
    )
    assert.equal(error.code, 'foreign_key_violation')
    assert.equal(error.constraint, 'items_owner_fk')
  })

  it('turns an exceeded statement_timeout into a retryable timeout', async () => {
    const slow = createDb({ url: pg.url, statementTimeoutMs: 50, poolSize: 1 })
    try {
      const error = await failureOf(() => sql`select pg_sleep(2)`.execute(slow))
      assert.deepEqual([error.code, error.retryable], ['timeout', true])
    } finally {
      await closeDb(slow)
    }
  })

  it('answers a ping while the server is up', async () => {
    assert.equal(await pingDb(db), true)
  })

  it('reports an unreachable server as false, with a connection error, fast', async () => {
    const nowhere = createDb({ url: 'postgres://csms:csms@127.0.0.1:1/csms', connectionTimeoutMs: 1_000 })
    const errors: DbError[] = []
    try {
      const started = Date.now()
      assert.equal(await pingDb(nowhere, { timeoutMs: 3_000, onError: (e) => errors.push(e) }), false)
      assert.ok(Date.now() - started < 3_500)
      assert.deepEqual(
        errors.map((e) => [e.code, e.retryable]),
        [['connection', true]],
      )
    } finally {
      await closeDb(nowhere)
    }
  })
})
