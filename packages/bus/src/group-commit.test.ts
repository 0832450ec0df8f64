import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isAppError } from './app-error.js'
import { createGroupCommit } from './group-commit.js'

const tick = () => new Promise((r) => setImmediate(r))

/** A gate a fake write waits on, so a test decides when it "commits". */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((r) => {
    open = r
  })
  return { open, opened }
}

describe('group commit', () => {
  it('writes 500 concurrent items in one statement and answers each with its own result', async () => {
    const writes: number[][] = []
    const commit = createGroupCommit<number, number>(
      async (items) => {
        writes.push([...items])
        await new Promise((r) => setTimeout(r, 5))
        return items.map((i) => i * 2)
      },
      { maxBatch: 1_000, maxConcurrent: 2 },
    )
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => commit.submit(i)))
    assert.equal(writes.length, 1, 'one write for the whole burst')
    assert.equal(writes[0]?.length, 500)
    for (const [i, a] of answers.entries()) assert.equal(a, i * 2)
  })

  it('answers nobody before the write holding its item has committed', async () => {
    const g = gate()
    let committed = false
    const commit = createGroupCommit<string, string>(
      async (items) => {
        await g.opened
        committed = true
        return items.map(() => 'stored')
      },
      { maxBatch: 100, maxConcurrent: 1 },
    )
    const answered: string[] = []
    const all = ['A', 'B', 'C'].map((k) =>
      commit.submit(k).then((r) => {
        assert.ok(committed, `${k} answered before its write committed`)
        answered.push(k)
        return r
      }),
    )
    for (let i = 0; i < 5; i++) await tick()
    assert.deepEqual(answered, [], 'no answer while the write is open')
    g.open()
    assert.deepEqual(await Promise.all(all), ['stored', 'stored', 'stored'])
  })

  it('bounds concurrent writes; items arriving meanwhile leave together in the next one', async () => {
    const gates = [gate(), gate(), gate()]
    const writes: string[][] = []
    let running = 0
    let most = 0
    const commit = createGroupCommit<string, void>(
      async (items) => {
        const g = gates[writes.length] ?? gate()
        writes.push([...items])
        running++
        most = Math.max(most, running)
        await g.opened
        running--
        return items.map(() => undefined)
      },
      { maxBatch: 1_000, maxConcurrent: 1 },
    )
    const first = commit.submit('first')
    await tick()
    await tick()
    const rest = Array.from({ length: 300 }, (_, i) => commit.submit(`r${i}`))
    for (let i = 0; i < 5; i++) await tick()
    assert.equal(writes.length, 1, 'the 300 wait for the running write')
    gates[0]?.open()
    gates[1]?.open()
    await Promise.all([first, ...rest])
    assert.equal(writes.length, 2)
    assert.equal(writes[1]?.length, 300)
    assert.equal(most, 1)
  })

  it('sheds an item that waited past maxWaitMs without writing it; fresh ones are written', async () => {
    let clock = 10_000
    const written: string[] = []
    const commit = createGroupCommit<string, void>(
      async (items) => {
        written.push(...items)
        return items.map(() => undefined)
      },
      { maxBatch: 100, maxConcurrent: 1, maxWaitMs: 8_000, now: () => clock },
    )
    const stale = commit.submit('stale', 1_000) // arrived 9 s ago: the gateway gave up
    const fresh = commit.submit('fresh')
    clock += 10
    await assert.rejects(stale, (e: unknown) => isAppError(e) && e.code === 'timeout' && e.retryable)
    await fresh
    assert.deepEqual(written, ['fresh'])
    assert.equal(commit.stats().shed, 1)
  })

  it('fails every item of a write that failed: none is answered as stored', async () => {
    const commit = createGroupCommit<string, void>(
      async () => {
        throw new Error('connection lost')
      },
      { maxBatch: 100, maxConcurrent: 1 },
    )
    const results = await Promise.allSettled(['A', 'B'].map((k) => commit.submit(k)))
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    )
  })

  it('splits a backlog into writes of at most maxBatch items', async () => {
    const sizes: number[] = []
    const commit = createGroupCommit<number, void>(
      async (items) => {
        sizes.push(items.length)
        return items.map(() => undefined)
      },
      { maxBatch: 200, maxConcurrent: 2 },
    )
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => commit.submit(i)))
    assert.deepEqual(sizes, [200, 200, 200, 200, 200])
  })
})
