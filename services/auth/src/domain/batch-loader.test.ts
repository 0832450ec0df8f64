import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createBatchLoader } from './batch-loader.js'

const tick = () => new Promise((r) => setImmediate(r))

/** A fake table: records every query (the keys it asked for) and answers after `delayMs`. */
function fakeTable(rows: Record<string, string>, delayMs = 5) {
  const queries: string[][] = []
  const loadMany = async (keys: string[]) => {
    queries.push(keys)
    await new Promise((r) => setTimeout(r, delayMs))
    return new Map(keys.flatMap((k) => (rows[k] === undefined ? [] : [[k, rows[k] as string] as const])))
  }
  return { queries, loadMany }
}

describe('admission lookups are coalesced', () => {
  it('loads 500 concurrent different keys in one query, with the right row for each', async () => {
    const rows = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`CS-${i}`, `row-${i}`]))
    const table = fakeTable(rows)
    const loader = createBatchLoader(table.loadMany, { maxBatch: 1_000, maxConcurrent: 2 })
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) => loader.load(`CS-${i}`)).concat(loader.load('UNKNOWN')),
    )
    assert.equal(table.queries.length, 1, 'one query for the whole burst')
    assert.equal(table.queries[0]?.length, 501)
    for (const [i, a] of answers.slice(0, 500).entries()) assert.equal(a, `row-${i}`)
    assert.equal(answers[500], undefined, 'a station without a row is undefined, not an error')
  })

  it('under a steady stream, queries grow with round trips, not with keys', async () => {
    const table = fakeTable({}, 20)
    const loader = createBatchLoader(table.loadMany, { maxBatch: 1_000, maxConcurrent: 1 })
    const all: Promise<unknown>[] = []
    // 2,000 keys arriving 100 per event-loop turn over ~20 turns, while each query takes 20 ms.
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 100; i++) all.push(loader.load(`T${turn}-${i}`))
      await tick()
    }
    await Promise.all(all)
    assert.ok(table.queries.length <= 5, `${table.queries.length} queries for 2,000 keys`)
    assert.equal(
      table.queries.reduce((n, q) => n + q.length, 0),
      2_000,
    )
  })

  it('splits at maxBatch and runs at most maxConcurrent queries at once', async () => {
    let running = 0
    let most = 0
    const sizes: number[] = []
    const loader = createBatchLoader(
      async (keys) => {
        sizes.push(keys.length)
        running++
        most = Math.max(most, running)
        await new Promise((r) => setTimeout(r, 5))
        running--
        return new Map()
      },
      { maxBatch: 100, maxConcurrent: 2 },
    )
    await Promise.all(Array.from({ length: 450 }, (_, i) => loader.load(`K${i}`)))
    assert.deepEqual(sizes, [100, 100, 100, 100, 50])
    assert.equal(most, 2)
  })

  it('asks once for a key asked twice in the same batch', async () => {
    const table = fakeTable({ A: 'a' })
    const loader = createBatchLoader(table.loadMany, { maxBatch: 10, maxConcurrent: 1 })
    assert.deepEqual(await Promise.all([loader.load('A'), loader.load('A')]), ['a', 'a'])
    assert.deepEqual(table.queries, [['A']])
  })

  it('fails every waiter of a failed query, and the next batch works again', async () => {
    let fail = true
    const loader = createBatchLoader(
      async (keys: string[]) => {
        if (fail) throw new Error('connection lost')
        return new Map(keys.map((k) => [k, k]))
      },
      { maxBatch: 10, maxConcurrent: 1 },
    )
    const failed = await Promise.allSettled([loader.load('A'), loader.load('B')])
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    )
    fail = false
    assert.equal(await loader.load('A'), 'A')
  })

  it('answers timeout, without querying, for keys that waited past maxWaitMs', async () => {
    let clock = 0
    let release: () => void = () => {}
    const queries: string[][] = []
    const loader = createBatchLoader(
      async (keys: string[]) => {
        queries.push(keys)
        if (keys[0] === 'SLOW') await new Promise<void>((r) => (release = r))
        return new Map()
      },
      { maxBatch: 10, maxConcurrent: 1, maxWaitMs: 1_000, now: () => clock },
    )
    const slow = loader.load('SLOW')
    await tick()
    const stale = loader.load('STALE')
    clock = 1_500
    const fresh = loader.load('FRESH')
    release()
    await slow
    await assert.rejects(stale, (e: Error & { code?: string }) => e.code === 'timeout')
    assert.equal(await fresh, undefined)
    assert.deepEqual(queries, [['SLOW'], ['FRESH']])
    assert.equal(loader.stats().shed, 1)
  })
})
