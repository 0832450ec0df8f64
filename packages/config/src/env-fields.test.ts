import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { z } from 'zod'
import { byteSize, parseByteSize } from './byte-size.js'
import { durationMs, parseDurationMs } from './duration-ms.js'
import { bool, csv, port, url } from './env-fields.js'

const ok = <T>(schema: z.ZodType<T>, raw: string): T => schema.parse(raw)
const fails = (schema: z.ZodType, raw: string): string => {
  const result = schema.safeParse(raw)
  assert.equal(result.success, false, `${JSON.stringify(raw)} should fail`)
  return result.error?.issues[0]?.message ?? ''
}

describe('port()', () => {
  it('accepts 1-65535', () => {
    assert.equal(ok(port(), '8080'), 8080)
    assert.equal(ok(port(), ' 1 '), 1)
    assert.equal(ok(port(), '65535'), 65535)
  })

  it('rejects anything else with one clear message', () => {
    for (const raw of ['abc', '0', '65536', '80.5', '-1', '', '1e3']) {
      assert.equal(fails(port(), raw), 'expected a port number 1-65535')
    }
  })
})

describe('bool()', () => {
  it('reads true/false, 1/0 and yes/no in any case', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', 'Yes']) assert.equal(ok(bool(), raw), true)
    for (const raw of ['false', 'False', '0', 'no', 'NO']) assert.equal(ok(bool(), raw), false)
  })

  it('rejects other words rather than guessing', () => {
    assert.equal(fails(bool(), 'enabled'), 'expected true/false, 1/0 or yes/no')
  })
})

describe('url()', () => {
  it('accepts nats:// and postgres:// URLs as written', () => {
    assert.equal(ok(url(), 'nats://127.0.0.1:4222'), 'nats://127.0.0.1:4222')
    assert.equal(ok(url(), 'postgres://csms:pw@db:5432/csms'), 'postgres://csms:pw@db:5432/csms')
  })

  it('limits schemes when asked', () => {
    const nats = url({ protocols: ['nats', 'tls'] })
    assert.equal(ok(nats, 'tls://nats.example:4222'), 'tls://nats.example:4222')
    assert.equal(fails(nats, 'http://nats.example'), 'expected a nats:// or tls:// URL')
    assert.equal(fails(url({ protocols: ['postgres://'] }), 'mysql://x'), 'expected a postgres:// URL')
  })

  it('rejects what is not a URL', () => {
    assert.equal(fails(url(), 'localhost:4222'), 'expected a URL')
    assert.equal(fails(url(), 'not a url'), 'expected a URL')
  })
})

describe('durationMs()', () => {
  it('reads ms, s, m, h, d and bare milliseconds', () => {
    assert.equal(ok(durationMs(), '250'), 250)
    assert.equal(ok(durationMs(), '250ms'), 250)
    assert.equal(ok(durationMs(), '1.5s'), 1500)
    assert.equal(ok(durationMs(), '2m'), 120_000)
    assert.equal(ok(durationMs(), '1h'), 3_600_000)
    assert.equal(ok(durationMs(), '1d'), 86_400_000)
    assert.equal(ok(durationMs(), ' 5 S '), 5000)
  })

  it('rejects unknown units and negative values', () => {
    assert.equal(fails(durationMs(), '5 weeks'), 'expected a duration such as 500ms, 5s, 2m or 1h')
    assert.equal(parseDurationMs('-5s'), undefined)
    assert.equal(parseDurationMs('s'), undefined)
  })
})

describe('csv()', () => {
  it('splits, trims and drops empty items', () => {
    assert.deepEqual(ok(csv(), ' a, b ,,c '), ['a', 'b', 'c'])
    assert.deepEqual(ok(csv(), ''), [])
  })

  it('checks every item with the given schema', () => {
    const servers = csv(url({ protocols: ['nats'] }))
    assert.deepEqual(ok(servers, 'nats://a:4222,nats://b:4222'), ['nats://a:4222', 'nats://b:4222'])
    assert.equal(fails(servers, 'nats://a:4222,http://b'), 'expected a nats:// URL')
    assert.deepEqual(ok(csv(port()), '4222, 4223'), [4222, 4223])
  })
})

describe('byteSize()', () => {
  it('reads bytes and binary units', () => {
    assert.equal(ok(byteSize(), '1048576'), 1_048_576)
    assert.equal(ok(byteSize(), '512MiB'), 512 * 1024 ** 2)
    assert.equal(ok(byteSize(), ' 1.5 gib '), 1.5 * 1024 ** 3)
    assert.equal(ok(byteSize(), '2TiB'), 2 * 1024 ** 4)
    assert.equal(parseByteSize('64KiB'), 65_536)
  })

  it('refuses decimal units, zero and anything else', () => {
    for (const raw of ['4GB', '0', '0MiB', '-1', 'lots', '', '1e9']) {
      assert.equal(fails(byteSize(), raw), 'expected a size such as 512MiB, 4GiB or 1TiB')
    }
  })
})
