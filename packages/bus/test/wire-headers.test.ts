import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats } from '@csms/testkit'
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { createWireWriter, extendWireHeaders, HEADER, wireHeaderText } from '../src/index.js'

describe('headers written straight to their wire text', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
  })
  after(async () => {
    await nc?.close()
    await nats?.stop()
  })

  const roundTrip = async (headers: string): Promise<Msg> => {
    const received = new Promise<Msg>((resolve) => {
      const sub = nc.subscribe('wire.headers', {
        callback: (_err, msg) => {
          sub.unsubscribe()
          resolve(msg)
        },
      })
    })
    await nc.flush()
    createWireWriter(nc).publish({ subject: 'wire.headers', payload: 'payload', headers })
    return received
  }

  it('arrive as the headers nats.js reads, with absent values left out and values trimmed', async () => {
    const msg = await roundTrip(
      wireHeaderText(
        HEADER.stationId,
        'CS-1',
        HEADER.messageId,
        '  id with spaces ',
        HEADER.errorCode,
        undefined,
        HEADER.traceparent,
        '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      ),
    )
    assert.equal(msg.string(), 'payload')
    assert.equal(msg.headers?.get(HEADER.stationId), 'CS-1')
    assert.equal(msg.headers?.get(HEADER.messageId), 'id with spaces')
    assert.equal(msg.headers?.has(HEADER.errorCode), false)
    assert.equal(
      msg.headers?.get(HEADER.traceparent),
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    )
    assert.deepEqual(msg.headers?.keys(), [HEADER.stationId, HEADER.messageId, HEADER.traceparent])
  })

  it('refuse a value with CR or LF, so that no header can be smuggled in', () => {
    for (const id of ['a\r\nOcpp-Station-Id: victim', 'a\nb', 'a\rb']) {
      assert.throws(() => wireHeaderText(HEADER.messageId, id), /cannot contain/)
      assert.throws(
        () => extendWireHeaders(wireHeaderText(HEADER.stationId, 'CS-1'), HEADER.messageId, id),
        /cannot contain/,
      )
    }
  })

  it('extend a block made once with the headers of each message', async () => {
    const block = wireHeaderText(HEADER.stationId, 'CS-2', HEADER.protocol, 'ocpp2.0.1')
    const msg = await roundTrip(
      extendWireHeaders(block, HEADER.messageId, ' m-1 ', HEADER.errorCode, undefined),
    )
    assert.equal(msg.string(), 'payload')
    assert.deepEqual(msg.headers?.keys(), [HEADER.stationId, HEADER.protocol, HEADER.messageId])
    assert.equal(msg.headers?.get(HEADER.messageId), 'm-1')
    assert.equal(block, wireHeaderText(HEADER.stationId, 'CS-2', HEADER.protocol, 'ocpp2.0.1'))
  })
})
