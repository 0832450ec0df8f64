import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createBatcher } from './batcher.js'

describe('batcher', () => {
  it('groups jobs submitted while a flush runs and answers each with its own result', async () => {
    const sizes: number[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const batcher = createBatcher<number, number>({
      maxBatch: 100,
      concurrency: 1,
      async flush(jobs) {
        sizes.push(jobs.length)
        if (sizes.length === 1) await gate
        return jobs.map((j) => j * 2)
      },
    })
    const first = batcher.submit(1)
    await new Promise((r) => setImmediate(r))
    const rest = [2, 3, 4, 5].map((n) => batcher.submit(n))
    release()
    assert.deepEqual(await Promise.all([first, ...rest]), [2, 4, 6, 8, 10])
    assert.deepEqual(sizes, [1, 4])
  })

  it('caps a flush at maxBatch', async () => {
    const sizes: number[] = []
    const batcher = createBatcher<number, number>({
      maxBatch: 3,
      concurrency: 1,
      flush: async (jobs) => {
        sizes.push(jobs.length)
        return [...jobs]
      },
    })
    await Promise.all(Array.from({ length: 7 }, (_, i) => batcher.submit(i)))
    assert.deepEqual(sizes, [3, 3, 1])
  })

  it('retries a failed batch job by job so only the bad job fails', async () => {
    const batcher = createBatcher<number, number>({
      maxBatch: 10,
      concurrency: 1,
      flush: async (jobs) => {
        if (jobs.includes(13)) throw new Error('bad job')
        return [...jobs]
      },
    })
    const results = await Promise.allSettled([1, 13, 2].map((n) => batcher.submit(n)))
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    )
  })

  it('fails the whole batch at once when splitting would not help', async () => {
    let calls = 0
    const batcher = createBatcher<number, number>({
      maxBatch: 10,
      concurrency: 1,
      shouldSplit: () => false,
      flush: async () => {
        calls++
        throw new Error('database down')
      },
    })
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)))
    assert.ok(results.every((r) => r.status === 'rejected'))
    assert.equal(calls, 1)
  })

  it('flushes what is queued on close and refuses new jobs after', async () => {
    const flushed: number[] = []
    const batcher = createBatcher<number, number>({
      maxBatch: 10,
      concurrency: 2,
      flush: async (jobs) => {
        flushed.push(...jobs)
        return [...jobs]
      },
    })
    const pending = [1, 2, 3].map((n) => batcher.submit(n))
    await batcher.close()
    assert.deepEqual(await Promise.all(pending), [1, 2, 3])
    assert.deepEqual(flushed.sort(), [1, 2, 3])
    await assert.rejects(batcher.submit(4), /closed/)
  })
})
