import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats } from '@csms/testkit'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { z } from 'zod'
import { AppError, callRpc, defineRpc, isNoResponders, serveRpc } from '../src/index.js'

const echo = defineRpc('auth', 'test.echo', z.object({ text: z.string() }), z.object({ text: z.string() }))
const silent = defineRpc('auth', 'test.silent', z.object({}), z.object({}))
const nobody = defineRpc('auth', 'test.nobody', z.object({}), z.object({}))

describe('callRpc over the connection shared requester', () => {
  let nats: NatsHandle
  let nc: NatsConnection
  before(async () => {
    nats = await startNats()
    nc = await connect({ servers: nats.url })
    serveRpc(nc, echo, async ({ text }) => ({ text: `${text}!` }))
    nc.subscribe(silent.subject, { callback: () => {} })
    await nc.flush()
  })
  after(async () => {
    await nc?.close()
    await nats?.stop()
  })

  it('matches many concurrent calls to their own answers, multi-byte text included', async () => {
    const texts = Array.from({ length: 50 }, (_, i) => `t${i}é`)
    const answers = await Promise.all(texts.map((text) => callRpc(nc, echo, { text })))
    assert.deepEqual(
      answers.map((a) => a.text),
      texts.map((t) => `${t}!`),
    )
  })

  it('turns no responders and a late answer into AppErrors with their retry meaning', async () => {
    await assert.rejects(callRpc(nc, nobody, {}), (e: unknown) => {
      assert.ok(e instanceof AppError)
      assert.equal(e.code, 'unavailable')
      assert.match(e.message, /no auth service answers/)
      assert.ok(isNoResponders(e))
      return true
    })
    await assert.rejects(callRpc(nc, silent, {}, { timeoutMs: 150 }), (e: unknown) => {
      assert.ok(e instanceof AppError)
      assert.equal(e.code, 'timeout')
      assert.equal(isNoResponders(e), false)
      return true
    })
  })

  it('refuses at once on a closed connection', async () => {
    const closed = await connect({ servers: nats.url })
    await closed.close()
    await assert.rejects(callRpc(closed, echo, { text: 'x' }), (e: unknown) => {
      assert.ok(e instanceof AppError)
      assert.equal(e.code, 'unavailable')
      assert.equal(isNoResponders(e), false)
      return true
    })
  })
})
