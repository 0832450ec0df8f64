import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Msg } from '@nats-io/transport-node'
import { type OutboundCall, OutboundQueue } from './outbound-queue.js'

const aCall = (action: string): OutboundCall => ({ msg: {} as Msg, action, payload: {}, deadline: 0 })

describe('outbound CALL queue', () => {
  it('holds one CALL in the slot and a bounded number behind it', () => {
    const q = new OutboundQueue(2)
    assert.equal(q.enqueue(aCall('A')), true)
    assert.equal(q.take()?.action, 'A')
    assert.equal(q.take(), undefined, 'the slot is taken')
    assert.equal(q.enqueue(aCall('B')), true)
    assert.equal(q.enqueue(aCall('C')), true)
    assert.equal(q.enqueue(aCall('D')), false, 'two wait already')
    assert.equal(q.size, 3)
  })

  it('frees the slot only for the message id on the wire', () => {
    const q = new OutboundQueue(1)
    q.enqueue(aCall('A'))
    const a = q.take() as OutboundCall
    a.id = 'id-a'
    assert.equal(q.release('other'), undefined)
    assert.equal(q.release('id-a'), a)
    assert.equal(q.current, undefined)
  })

  it('hands back every call, slot first, when the socket closes', () => {
    const q = new OutboundQueue(5)
    for (const action of ['A', 'B', 'C']) q.enqueue(aCall(action))
    q.take()
    assert.deepEqual(
      q.drainAll().map((c) => c.action),
      ['A', 'B', 'C'],
    )
    assert.equal(q.size, 0)
  })
})
