import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addSeq, hasSeq, maxSeq, type SeqRanges, seqGaps } from './seq-ranges.js'

const build = (ns: number[]): SeqRanges => ns.reduce<SeqRanges>((r, n) => addSeq(r, n), [])

describe('seq ranges', () => {
  it('keeps an in-order session as one range', () => {
    assert.deepEqual(build([0, 1, 2, 3, 4]), [[0, 4]])
  })

  it('records reordered seqNos as gaps and closes them when the missing ones arrive', () => {
    const partial = build([0, 1, 4, 6])
    assert.deepEqual(partial, [
      [0, 1],
      [4, 4],
      [6, 6],
    ])
    assert.deepEqual(seqGaps(partial), [2, 3, 5])
    assert.deepEqual(build([0, 1, 4, 6, 5, 3, 2]), [[0, 6]])
  })

  it('answers membership, ignores repeats and reports the highest seqNo', () => {
    const r = build([3, 9, 3, 10, 1])
    assert.equal(hasSeq(r, 3), true)
    assert.equal(hasSeq(r, 2), false)
    assert.equal(hasSeq(r, 10), true)
    assert.equal(maxSeq(r), 10)
    assert.equal(maxSeq([]), null)
  })

  it('merges two ranges that a single seqNo joins', () => {
    assert.deepEqual(build([0, 1, 3, 4, 2]), [[0, 4]])
    assert.deepEqual(build([5, 3, 4]), [[3, 5]])
  })

  it('agrees with a set on random orders', () => {
    for (let round = 0; round < 50; round++) {
      const ns = Array.from({ length: 40 }, () => Math.floor(Math.random() * 60))
      const r = build(ns)
      const set = new Set(ns)
      for (let n = 0; n < 60; n++) assert.equal(hasSeq(r, n), set.has(n), `seq ${n} of ${ns.join(',')}`)
      for (let i = 1; i < r.length; i++)
        assert.ok((r[i - 1] as [number, number])[1] < (r[i] as [number, number])[0] - 1)
    }
  })
})
