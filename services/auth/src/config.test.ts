import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { describe, it } from 'node:test'
import { AuthConfigSchema, hashConcurrency } from './config.js'

describe('auth configuration', () => {
  it('runs scrypt on at most the cores, leaving two threadpool threads for DNS and files', () => {
    const defaults = AuthConfigSchema.parse({})
    const cores = availableParallelism()
    assert.equal(hashConcurrency(defaults, {}), Math.max(1, Math.min(cores, 2)), 'default pool of 4')
    assert.equal(hashConcurrency(defaults, { UV_THREADPOOL_SIZE: '10' }), Math.min(cores, 8))
    assert.equal(hashConcurrency(defaults, { UV_THREADPOOL_SIZE: '2' }), 1, 'never below one')
    assert.equal(hashConcurrency(AuthConfigSchema.parse({ CSMS_AUTH_HASH_CONCURRENCY: '6' }), {}), 6)
  })

  it('sheds admission work before the gateway gives up on it by default', () => {
    const c = AuthConfigSchema.parse({})
    assert.ok(c.CSMS_AUTH_ADMISSION_MAX_WAIT_MS < 5_000, "below the gateway's 5 s admission timeout")
    assert.ok(c.CSMS_AUTH_ADMISSION_QUERIES < c.CSMS_DB_POOL_SIZE, 'admissions leave room in the pool')
  })
})
