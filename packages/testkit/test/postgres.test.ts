import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { isProcessAlive, type PostgresHandle, startPostgres, waitFor } from '../src/index.js'

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text)).rows
  } finally {
    await client.end()
  }
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

describe('startPostgres', () => {
  let first: PostgresHandle
  let second: PostgresHandle

  before(async () => {
    ;[first, second] = await Promise.all([startPostgres(), startPostgres()])
  })
  after(async () => {
    await Promise.all([first?.stop(), second?.stop()])
  })

  it('hands out an empty database that answers queries', async () => {
    const [row] = await query<{ answer: number }>(first.url, 'select 41 + 1 as answer')
    assert.equal(row?.answer, 42)
    const tables = await query(
      first.url,
      "select 1 from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    )
    assert.equal(tables.length, 0)
  })

  it('gives two callers two different databases', async () => {
    const [a] = await query<{ db: string }>(first.url, 'select current_database() as db')
    const [b] = await query<{ db: string }>(second.url, 'select current_database() as db')
    assert.notEqual(a?.db, b?.db)
    await query(first.url, 'create table only_in_first (id int)')
    const seen = await query(second.url, "select 1 from pg_tables where tablename = 'only_in_first'")
    assert.equal(seen.length, 0)
  })
})

describe('startPostgres({ restartable: true })', () => {
  it('keeps committed data across restart()', async (t) => {
    const handle = await startPostgres({ restartable: true })
    t.after(() => handle.stop())
    await query(handle.url, 'create table kept (note text)')
    await query(handle.url, "insert into kept values ('survives')")
    const pidBefore = handle.pid
    await handle.restart()
    assert.notEqual(handle.pid, pidBefore)
    const rows = await query<{ note: string }>(handle.url, 'select note from kept')
    assert.deepEqual(rows, [{ note: 'survives' }])
  })

  it('leaves no postgres process behind after stop()', async () => {
    const handle = await startPostgres({ restartable: true })
    const pid = handle.pid
    process.kill(pid, 0)
    await handle.stop()
    assert.equal(isProcessAlive(pid), false, 'the postmaster has exited when stop() resolves')
    // pg_ctl daemonises the postmaster, so init reaps it, on its own schedule (about 1 s here).
    await waitFor(() => isGone(pid), { timeoutMs: 10_000, description: `pid ${pid} to be reaped` })
    await assert.rejects(query(handle.url, 'select 1'), /ECONNREFUSED/)
  })
})
