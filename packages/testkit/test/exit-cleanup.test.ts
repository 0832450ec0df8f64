import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isProcessAlive, spawnProcess, waitFor } from '../src/index.js'

const fixture = fileURLToPath(new URL('./fixtures/crash-after-start.js', import.meta.url))

describe('exit cleanup', () => {
  it('stops local servers when the process that started them crashes', async () => {
    const child = await spawnProcess({
      name: 'crasher',
      command: process.execPath,
      args: [fixture],
      silent: true,
    })
    const code = await child.exited
    assert.equal(code, 1, 'the fixture dies of its uncaught error')
    const line = child.recentOutput().find((l) => l.startsWith('{'))
    assert.ok(line, `the fixture printed its pids:\n${child.recentOutput().join('\n')}`)
    const { nats, postgres } = JSON.parse(line) as { nats: number; postgres: number }
    // nats-server gets SIGKILL, the postmaster SIGINT (fast shutdown), which takes a moment.
    await waitFor(() => !isProcessAlive(nats) && !isProcessAlive(postgres), {
      timeoutMs: 15_000,
      description: 'the orphaned servers to exit',
    })
  })
})
