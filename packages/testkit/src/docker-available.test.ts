import assert from 'node:assert/strict'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import { after, describe, it } from 'node:test'
import { probeDocker } from './docker-available.js'

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
  })
}

describe('probeDocker', () => {
  const servers: Server[] = []
  after(() => {
    for (const server of servers) server.close()
  })

  it('answers false at once when the socket named by DOCKER_HOST does not exist', async () => {
    const started = Date.now()
    assert.equal(await probeDocker({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, 1_000), false)
    assert.ok(Date.now() - started < 500)
  })

  it('answers true when the engine answers /_ping', async () => {
    const engine = createHttpServer((req, res) => {
      res.statusCode = req.url === '/_ping' ? 200 : 404
      res.end('OK')
    })
    servers.push(engine)
    const port = await listen(engine)
    assert.equal(await probeDocker({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }, 1_000), true)
  })

  it('gives up after the timeout when the engine accepts but never answers', async () => {
    const silent = createServer(() => {})
    servers.push(silent)
    const port = await listen(silent)
    const started = Date.now()
    assert.equal(await probeDocker({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }, 300), false)
    assert.ok(Date.now() - started < 2_000, 'it did not hang')
  })

  it('obeys CSMS_TESTKIT_BACKEND over detection', async () => {
    assert.equal(
      await probeDocker({ CSMS_TESTKIT_BACKEND: 'local', DOCKER_HOST: 'tcp://127.0.0.1:1' }, 300),
      false,
    )
    assert.equal(await probeDocker({ CSMS_TESTKIT_BACKEND: 'docker' }, 300), true)
  })
})
