import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import { ephemeralPortRange, freePort, testPortRange } from './free-port.js'

describe('freePort', () => {
  it('returns a port that can be bound right away', async () => {
    const port = await freePort()
    assert.ok(port > 0 && port < 65536)
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  })
})

describe('test ports', () => {
  it('are chosen below the kernel range for outgoing connections', async () => {
    const [, ephemeralHigh] = ephemeralPortRange()
    const [ephemeralLow] = ephemeralPortRange()
    const [low, high] = testPortRange([ephemeralLow, ephemeralHigh])
    assert.ok(high < ephemeralLow && low < high, `${low}-${high} vs ${ephemeralLow}`)
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()))
    for (const p of ports) assert.ok(p >= low && p <= high, `${p} outside ${low}-${high}`)
    assert.equal(new Set(ports).size, ports.length, 'no port handed out twice')
  })

  it('reads the range the kernel uses, and falls back when there is none', () => {
    assert.deepEqual(ephemeralPortRange('/nonexistent/ip_local_port_range'), [49152, 65535])
    assert.deepEqual(testPortRange([32768, 60999]), [15_000, 32767])
    assert.deepEqual(testPortRange([10000, 60999]), [8999, 9999])
  })
})
