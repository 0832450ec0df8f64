import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type NatsHandle, startNats } from '@csms/testkit'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { z } from 'zod'
import { callRpc, defineRpc, serveRpc } from '../src/index.js'
import { createServiceRuntime } from '../src/service-runtime.js'

const slowRpc = defineRpc('v2g', 'slow', z.object({ ms: z.number() }), z.object({ done: z.literal(true) }))

describe('a stopping service', () => {
  let nats: NatsHandle
  let client: NatsConnection
  before(async () => {
    nats = await startNats()
    client = await connect({ servers: nats.url })
  })
  after(async () => {
    await client?.close()
    await nats?.stop()
  })

  it('answers the requests it already started before it closes NATS', async () => {
    const runtime = await createServiceRuntime({
      name: 'v2g',
      natsUrl: nats.url,
      opsHost: '127.0.0.1',
      opsPort: 0,
    })
    // A failed assertion must still stop the runtime, or its handles keep the test file running.
    try {
      serveRpc(runtime.nc, slowRpc, async ({ ms }) => {
        await new Promise((r) => setTimeout(r, ms))
        return { done: true as const }
      })
      const serving = runtime.serve()
      // Both connections' subscriptions reach the server before the request (on a loaded machine
      // the service's SUB could otherwise arrive after it: "no responders").
      await runtime.nc.flush()
      await client.flush()
      const inFlight = callRpc(client, slowRpc, { ms: 700 }, { timeoutMs: 5_000 })
      await new Promise((r) => setTimeout(r, 100))
      const stopped = runtime.stop()
      assert.deepEqual(await inFlight, { done: true })
      await stopped
      await serving
      await assert.rejects(callRpc(client, slowRpc, { ms: 1 }, { timeoutMs: 1_000 }), /no v2g service/)
    } finally {
      await runtime.stop()
    }
  })
})
