import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inspect } from 'node:util'
import { z } from 'zod'
import { ConfigError } from './config-error.js'
import { durationMs } from './duration-ms.js'
import { bool, csv, port, url } from './env-fields.js'
import { loadConfig } from './load-config.js'

const ServiceConfigSchema = z.object({
  CSMS_API_PORT: port().default(8080),
  NATS_URL: csv(url({ protocols: ['nats', 'tls'] })),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }),
  CSMS_ALLOW_UNKNOWN_STATIONS: bool().default(false),
  CSMS_REQUEST_TIMEOUT: durationMs().default(5_000),
  CSMS_API_TOKEN: z.string().min(16),
})

const validEnv = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://csms:secret@127.0.0.1:5432/csms',
  CSMS_API_TOKEN: 'a-token-of-32-characters-or-so!!',
}

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(ServiceConfigSchema, env)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error
  }
  assert.fail('expected a ConfigError')
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const config = loadConfig(ServiceConfigSchema, { ...validEnv, CSMS_ALLOW_UNKNOWN_STATIONS: 'yes' })
    assert.deepEqual(config, {
      CSMS_API_PORT: 8080,
      NATS_URL: ['nats://127.0.0.1:4222'],
      DATABASE_URL: 'postgres://csms:secret@127.0.0.1:5432/csms',
      CSMS_ALLOW_UNKNOWN_STATIONS: true,
      CSMS_REQUEST_TIMEOUT: 5_000,
      CSMS_API_TOKEN: validEnv.CSMS_API_TOKEN,
    })
  })

  it('treats an empty variable as unset, so the default applies', () => {
    assert.equal(loadConfig(ServiceConfigSchema, { ...validEnv, CSMS_API_PORT: '' }).CSMS_API_PORT, 8080)
  })

  it('ignores variables the schema does not name', () => {
    const config = loadConfig(ServiceConfigSchema, { ...validEnv, HOME: '/root' })
    assert.equal('HOME' in config, false)
  })

  it('returns a frozen object', () => {
    assert.equal(Object.isFrozen(loadConfig(ServiceConfigSchema, validEnv)), true)
  })

  it('names the bad variable, what it expected and what it got', () => {
    const error = configErrorOf({ ...validEnv, CSMS_API_PORT: 'abc' })
    assert.deepEqual(error.issues, [
      { variable: 'CSMS_API_PORT', message: 'expected a port number 1-65535, got "abc"' },
    ])
    assert.match(error.message, /CSMS_API_PORT: expected a port number 1-65535, got "abc"/)
  })

  it('lists every problem at once, missing variables included', () => {
    const error = configErrorOf({ CSMS_API_PORT: '0', CSMS_ALLOW_UNKNOWN_STATIONS: 'maybe' })
    const byVariable = Object.fromEntries(error.issues.map((i) => [i.variable, i.message]))
    assert.deepEqual(byVariable, {
      CSMS_API_PORT: 'expected a port number 1-65535, got "0"',
      NATS_URL: 'required but not set',
      DATABASE_URL: 'required but not set',
      CSMS_ALLOW_UNKNOWN_STATIONS: 'expected true/false, 1/0 or yes/no, got "maybe"',
      CSMS_API_TOKEN: 'required but not set',
    })
    assert.match(error.message, /^invalid configuration \(5 problems\):\n {2}CSMS_API_PORT/)
  })

  it('names the list item that is wrong', () => {
    const error = configErrorOf({ ...validEnv, NATS_URL: 'nats://a:4222,http://b:80' })
    assert.equal(
      error.issues[0]?.message,
      'item 2: expected a nats:// or tls:// URL, got "nats://a:4222,http://b:80"',
    )
  })

  it('never prints secrets: redacts by name and strips URL passwords', () => {
    const error = configErrorOf({
      ...validEnv,
      CSMS_API_TOKEN: 'short',
      DATABASE_URL: 'mysql://csms:hunter2@db/csms',
    })
    const text = error.message
    assert.doesNotMatch(text, /short|hunter2/)
    assert.match(text, /CSMS_API_TOKEN: .*got <redacted, 5 characters>/)
    assert.match(
      text,
      /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL, got "mysql:\/\/csms:\*\*\*@db\/csms"/,
    )
  })

  it('prints, uncaught, as its message and stack without a dump of zod issues', () => {
    const error = configErrorOf({ ...validEnv, CSMS_API_PORT: 'abc' })
    const printed = inspect(error)
    assert.match(printed, /^ConfigError: invalid configuration \(1 problem\):\n {2}CSMS_API_PORT: /)
    assert.doesNotMatch(printed, /issues:|\[cause\]|ZodError/)
  })

  it('reads process.env when no env is given', () => {
    const schema = z.object({ CSMS_CONFIG_TEST_PROBE: bool().default(false) })
    assert.deepEqual(loadConfig(schema), { CSMS_CONFIG_TEST_PROBE: false })
  })
})
