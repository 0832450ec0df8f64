import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats } from '@csms/testkit'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createNatsRequester, type RequestOutcome, wireHeaderText } from '../src/index.js'

describe('the request/reply path of the hot path (one inbox, outcomes as values)', () => {
  let nats: NatsHandle
  let client: NatsConnection
  let service: NatsConnection
  before(async () => {
    nats = await startNats()
    client = await connect({ servers: nats.url })
    service = await connect({ servers: nats.url })
    // Echoes the payload and a header after a delay given in the payload.
    service.subscribe('echo.>', {
      callback: (_err, msg) => {
        const wait = Number(msg.string())
        setTimeout(() => msg.respond(`${msg.string()}:${msg.headers?.get('x-id') ?? ''}`), wait)
      },
    })
    await service.flush()
  })
  after(async () => {
    await client?.close()
    await service?.close()
    await nats?.stop()
  })

  it('matches each reply to its request, whatever order they come back in', async () => {
    const requester = createNatsRequester(client)
    const ask = (wait: number, id: string) =>
      requester.request('echo.a', String(wait), { timeoutMs: 5_000, headers: wireHeaderText('x-id', id) })
    const outcomes = await Promise.all([ask(60, 'slow'), ask(0, 'fast'), ask(30, 'middle')])
    assert.deepEqual(
      outcomes.map((o) => (o.ok ? o.msg.string() : o.reason)),
      ['60:slow', '0:fast', '30:middle'],
    )
    assert.equal(requester.size, 0)
    requester.close()
  })

  it('answers timeout when the reply is late, and no_responders when nobody listens', async () => {
    const requester = createNatsRequester(client)
    const late = await requester.request('echo.b', '1000', { timeoutMs: 100 })
    assert.deepEqual(late, { ok: false, reason: 'timeout' })
    const nobody = await requester.request('nobody.here', 'x', { timeoutMs: 5_000 })
    assert.deepEqual(nobody, { ok: false, reason: 'no_responders' })
    requester.close()
  })

  it('times requests out one after another, also after the deadline sweep stopped when nothing waited', async () => {
    const requester = createNatsRequester(client)
    // Answered, then a late one right after (the sweep still running), then one after a pause
    // longer than the sweep's period (it stopped with nothing waiting, and must start again).
    const answered = await requester.request('echo.d', '0', { timeoutMs: 5_000 })
    assert.equal(answered.ok && answered.msg.string(), '0:')
    assert.deepEqual(await requester.request('echo.d', '1000', { timeoutMs: 80 }), {
      ok: false,
      reason: 'timeout',
    })
    await new Promise((r) => setTimeout(r, 200))
    assert.deepEqual(await requester.request('echo.d', '1000', { timeoutMs: 80 }), {
      ok: false,
      reason: 'timeout',
    })
    assert.equal(requester.size, 0)
    requester.close()
  })

  it('settles what is waiting as closed when closed', async () => {
    const requester = createNatsRequester(client)
    const waiting = requester.request('echo.c', '2000', { timeoutMs: 5_000 })
    requester.close()
    assert.deepEqual(await waiting, { ok: false, reason: 'closed' })
  })

  it('answers too_large for a request over the server max_payload, without sending it', async () => {
    const requester = createNatsRequester(client)
    const max = client.info?.max_payload ?? 0
    assert.ok(max > 0)
    const outcome = await requester.request('echo.d', '1'.repeat(max + 1), { timeoutMs: 5_000 })
    assert.deepEqual(outcome, { ok: false, reason: 'too_large' })
    assert.equal(requester.size, 0)
    requester.close()
  })

  it('send calls back once per request, never before it returns, answered or refused', async () => {
    const requester = createNatsRequester(client)
    const calls: string[] = []
    let returned = false
    const done = (label: string) => (o: RequestOutcome) => {
      assert.ok(returned, `${label} called back before send returned`)
      calls.push(`${label}:${o.ok ? o.msg.string() : o.reason}`)
    }
    const all = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (calls.length < 3) return
        clearInterval(check)
        resolve()
      }, 5)
    })
    requester.send('echo.e', '0', { timeoutMs: 5_000, headers: wireHeaderText('x-id', 'e') }, done('echo'))
    requester.send(
      'echo.e',
      '1'.repeat((client.info?.max_payload ?? 0) + 1),
      { timeoutMs: 5_000 },
      done('big'),
    )
    requester.send('echo.e', '5000', { timeoutMs: 50 }, done('late'))
    returned = true
    await all
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.deepEqual(calls.sort(), ['big:too_large', 'echo:0:e', 'late:timeout'])
    requester.close()
  })
})
