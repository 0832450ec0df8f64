import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats } from '@csms/testkit'
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { createWireWriter, PayloadTooLargeError, wireHeaderText } from '../src/index.js'

describe('the wire writer (PUB and HPUB written as text into one buffer)', () => {
  let nats: NatsHandle
  let pub: NatsConnection
  let sub: NatsConnection
  before(async () => {
    nats = await startNats()
    pub = await connect({ servers: nats.url })
    sub = await connect({ servers: nats.url })
  })
  after(async () => {
    await pub?.close()
    await sub?.close()
    await nats?.stop()
  })

  /** Subscribes (and waits until the server has the subscription); `all` resolves with `count` messages. */
  const collect = async (subject: string, count: number) => {
    const got: Msg[] = []
    let resolve: (m: Msg[]) => void = () => {}
    const all = new Promise<Msg[]>((r) => {
      resolve = r
    })
    const s = sub.subscribe(subject, {
      callback: (_err, msg) => {
        got.push(msg)
        if (got.length < count) return
        s.unsubscribe()
        resolve(got)
      },
    })
    await sub.flush()
    return { all }
  }

  it('delivers payloads, reply subjects and headers byte for byte, multi-byte text included', async () => {
    const wire = createWireWriter(pub)
    const received = await collect('wire.one.>', 3)
    const snowman = '{"text":"☃ é \\u2028 𝄞","n":1}'
    wire.publish({ subject: 'wire.one.a', payload: snowman })
    wire.publish({
      subject: 'wire.one.b',
      payload: '',
      reply: 'reply.here',
      headers: wireHeaderText('Csms-Station-Id', 'CS-é', 'x-empty', undefined),
    })
    wire.publish({ subject: 'wire.one.c', payload: 'plain', headers: wireHeaderText('a', '1') })
    const [a, b, c] = await received.all
    assert.equal(a?.subject, 'wire.one.a')
    assert.equal(a?.string(), snowman)
    assert.equal(a?.reply, '')
    assert.equal(b?.reply, 'reply.here')
    assert.equal(b?.data.length, 0)
    assert.equal(b?.headers?.get('Csms-Station-Id'), 'CS-é')
    assert.equal(b?.headers?.has('x-empty'), false)
    assert.equal(c?.string(), 'plain')
    assert.equal(c?.headers?.get('a'), '1')
  })

  it('writes many messages as one buffer, in order, leaving out and returning those over max_payload', async () => {
    const wire = createWireWriter(pub)
    const max = pub.info?.max_payload ?? 0
    const received = await collect('wire.many.>', 200)
    const messages = Array.from({ length: 201 }, (_, i) => ({
      subject: `wire.many.${i % 7}`,
      payload: i === 100 ? 'x'.repeat(max + 1) : `{"i":${i},"s":"ü"}`,
    }))
    const refused = wire.publishAll(messages)
    assert.equal(refused.length, 1)
    assert.ok(refused[0] instanceof PayloadTooLargeError)
    assert.equal(refused[0]?.bytes, max + 1)
    const got = await received.all
    assert.deepEqual(
      got.map((m) => (JSON.parse(m.string()) as { i: number }).i),
      Array.from({ length: 201 }, (_, i) => i).filter((i) => i !== 100),
    )
    assert.equal(got[0]?.subject, 'wire.many.0')
    assert.throws(
      () => wire.publish({ subject: 'wire.big', payload: 'x'.repeat(max + 1) }),
      PayloadTooLargeError,
    )
  })

  it('refuses a subject or reply with white space or a control character, which would break the protocol line', () => {
    const wire = createWireWriter(pub)
    assert.throws(() => wire.publish({ subject: 'a b', payload: 'x' }), TypeError)
    assert.throws(() => wire.publish({ subject: 'a\tb', payload: 'x' }), TypeError)
    assert.throws(() => wire.publish({ subject: 'a\u0000b', payload: 'x' }), TypeError)
    assert.throws(() => wire.publishAll([{ subject: 'a.b', reply: 'r\ns', payload: 'x' }]), TypeError)
    assert.throws(() => wire.publish({ subject: 'a\r\nPUB b 1', payload: 'x' }), TypeError)
    assert.throws(() => wire.publish({ subject: 'a', reply: 'r s', payload: 'x' }), TypeError)
    assert.throws(() => wire.publishAll([{ subject: '', payload: 'x' }]), TypeError)
  })

  it('refuses to write on a closed connection, as nc.publish does', async () => {
    const nc = await connect({ servers: nats.url })
    const wire = createWireWriter(nc)
    await nc.close()
    assert.throws(() => wire.publish({ subject: 'wire.closed', payload: 'x' }), /closed/)
    assert.throws(() => wire.publishAll([{ subject: 'wire.closed', payload: 'x' }]), /closed/)
  })
})
