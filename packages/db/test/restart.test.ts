import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type RestartablePostgresHandle, startPostgres } from '@csms/testkit'
import { type Kysely, sql } from 'kysely'
import { closeDb, createDb, type DbError, toDbError } from '../src/index.js'

describe('a Kysely instance across a PostgreSQL restart', () => {
  let pg: RestartablePostgresHandle
  let db: Kysely<unknown>
  const poolErrors: DbError[] = []

  before(async () => {
    // A private server: restarting the shared one would disturb other test files.
    pg = await startPostgres({ restartable: true })
    db = createDb({ url: pg.url, poolSize: 4, onPoolError: (e) => poolErrors.push(e) })
  })
  after(async () => {
    await closeDb(db)
    await pg?.stop()
  })

  it('answers again after the restart, after at most one retryable connection error', async () => {
    await sql`create table notes (text text)`.execute(db)
    await sql`insert into notes values ('before restart')`.execute(db)
    // Fill the pool with idle connections, all of which the restart will break.
    await Promise.all([1, 2, 3, 4].map(() => sql`select pg_sleep(0.05)`.execute(db)))

    await pg.restart()

    const failures: DbError[] = []
    let rows: unknown[] | undefined
    for (let attempt = 0; attempt < 2 && rows === undefined; attempt++) {
      try {
        rows = (await sql`select text from notes`.execute(db)).rows
      } catch (error) {
        failures.push(toDbError(error))
      }
    }
    assert.deepEqual(rows, [{ text: 'before restart' }])
    assert.ok(failures.length <= 1, `at most one failure, got ${failures.map((f) => f.message).join('; ')}`)
    for (const failure of failures) assert.deepEqual([failure.code, failure.retryable], ['connection', true])
    // The idle connections that died were reported, not thrown at the process.
    for (const error of poolErrors) assert.equal(error.code, 'connection')
  })
})
