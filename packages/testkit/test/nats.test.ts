import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { type NatsHandle, type RestartableNatsHandle, startNats, waitFor } from '../src/index.js'

type JsApiReply = { type?: string; error?: { code: number; description: string }; config?: { name: string } }

// JetStream is driven through its JSON API over core request/reply, so the testkit needs no
// JetStream client library to prove the server has JetStream on.
async function jsApi(
  nc: NatsConnection,
  subject: string,
  body: unknown = {},
  timeout = 5_000,
): Promise<JsApiReply> {
  const reply = await nc.request(`$JS.API.${subject}`, JSON.stringify(body), { timeout })
  return reply.json<JsApiReply>()
}

describe('startNats', () => {
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

  it('answers a request through a subscriber', async () => {
    nc.subscribe('testkit.echo', {
      callback: (_err, msg) => {
        msg.respond(`echo: ${msg.string()}`)
      },
    })
    await nc.flush()
    const reply = await nc.request('testkit.echo', 'hello', { timeout: 5_000 })
    assert.equal(reply.string(), 'echo: hello')
  })

  it('runs with JetStream on by default', async () => {
    const info = await jsApi(nc, 'INFO')
    assert.equal(info.error, undefined)
    assert.equal(info.type, 'io.nats.jetstream.api.v1.account_info_response')
  })
})

describe('startNats({ jetstream: false })', () => {
  it('starts a server without JetStream', async (t) => {
    if (process.env.NATS_URL) return t.skip('NATS_URL points at a shared server')
    const nats = await startNats({ jetstream: false })
    t.after(() => nats.stop())
    const nc = await connect({ servers: nats.url })
    t.after(() => nc.close())
    await assert.rejects(jsApi(nc, 'INFO'), /no responders/i)
  })
})

describe('startNats({ restartable: true })', () => {
  let nats: RestartableNatsHandle

  before(async () => {
    nats = await startNats({ restartable: true })
  })
  after(() => nats?.stop())

  it('keeps JetStream streams and serves clients again after restart()', async (t) => {
    const nc = await connect({ servers: nats.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 })
    t.after(() => nc.close())
    const created = await jsApi(nc, 'STREAM.CREATE.TESTKIT', { name: 'TESTKIT', subjects: ['testkit.evt.>'] })
    assert.equal(created.error, undefined)
    const pidBefore = nats.pid
    await nats.restart()
    assert.notEqual(nats.pid, pidBefore)
    // The client reconnects by itself; poll until the restarted server answers through it.
    const stream = await waitFor(() => jsApi(nc, 'STREAM.INFO.TESTKIT', {}, 1_000), {
      timeoutMs: 15_000,
      intervalMs: 200,
      description: 'the stream to be readable after restart',
    })
    assert.equal(stream.config?.name, 'TESTKIT')
  })

  it('leaves no nats-server process behind after stop()', async () => {
    const own = await startNats({ restartable: true })
    process.kill(own.pid, 0)
    await own.stop()
    assert.throws(() => process.kill(own.pid, 0), { code: 'ESRCH' })
    await own.stop()
  })
})
