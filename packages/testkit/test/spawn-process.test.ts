import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { spawnProcess } from '../src/index.js'

const node = process.execPath

describe('spawnProcess', () => {
  it('keeps the output lines and resolves exited with the exit code', async () => {
    const child = await spawnProcess({
      name: 'printer',
      command: node,
      args: ['-e', 'console.log("one"); console.error("two"); process.exit(3)'],
      silent: true,
    })
    assert.equal(await child.exited, 3)
    assert.deepEqual([...child.recentOutput()].sort(), ['one', 'two'])
  })

  it('passes env on top of the parent environment', async () => {
    const child = await spawnProcess({
      name: 'env',
      command: node,
      args: ['-e', 'console.log(process.env.TESTKIT_PROBE, typeof process.env.PATH)'],
      env: { TESTKIT_PROBE: 'set' },
      silent: true,
    })
    await child.exited
    assert.deepEqual(child.recentOutput(), ['set string'])
  })

  it('stops a process with SIGTERM', async () => {
    const child = await spawnProcess({
      name: 'sleeper',
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      silent: true,
    })
    assert.equal(await child.stop(), null)
    assert.throws(() => process.kill(child.pid, 0), { code: 'ESRCH' })
  })

  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const child = await spawnProcess({
      name: 'stubborn',
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
      silent: true,
    })
    // Wait until the handler is installed, or SIGTERM would end it the default way.
    while (!child.recentOutput().includes('ready')) await new Promise((r) => setTimeout(r, 20))
    const started = Date.now()
    await child.stop('SIGTERM', 300)
    assert.ok(Date.now() - started >= 250, 'it waited for the polite signal first')
    assert.throws(() => process.kill(child.pid, 0), { code: 'ESRCH' })
  })

  it('puts the process in a process group of its own when asked, so Ctrl-C skips it', async () => {
    const processGroup = (pid: number) => {
      // /proc/<pid>/stat is "pid (comm) state ppid pgrp ...".
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
    }
    const sleeper = (ownProcessGroup: boolean) =>
      spawnProcess({
        name: 'grouped',
        command: node,
        args: ['-e', 'setInterval(() => {}, 1000)'],
        silent: true,
        ownProcessGroup,
      })
    const [own, shared] = await Promise.all([sleeper(true), sleeper(false)])
    try {
      assert.equal(processGroup(own.pid), own.pid)
      assert.equal(processGroup(shared.pid), processGroup(process.pid))
    } finally {
      await Promise.all([own.stop(), shared.stop()])
    }
  })

  it('rejects with the command name when the binary does not exist', async () => {
    await assert.rejects(
      spawnProcess({ name: 'ghost', command: '/nonexistent/ghost-binary', silent: true }),
      /could not start ghost \(\/nonexistent\/ghost-binary\)/,
    )
  })
})
