import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  authenticateStationRpc,
  callRpc,
  deleteStationCredentialsRpc,
  type ServiceRuntime,
  upsertStationCredentialsRpc,
} from '@csms/bus'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres } from '@csms/testkit'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import pg from 'pg'
import { startAuth } from '../src/app.js'
import { AuthConfigSchema } from '../src/config.js'

describe('station credentials over real NATS and PostgreSQL', () => {
  let nats: NatsHandle
  let db: PostgresHandle
  let service: ServiceRuntime
  let nc: NatsConnection

  before(async () => {
    nats = await startNats()
    db = await startPostgres()
    service = await startAuth(
      AuthConfigSchema.parse({
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        CSMS_OPS_PORT: '0',
        CSMS_OPS_HOST: '127.0.0.1',
      }),
    )
    void service.serve()
    nc = await connect({ servers: nats.url })
  })
  after(async () => {
    await nc?.close()
    await service?.stop()
    await db?.stop()
    await nats?.stop()
  })

  const auth = (stationId: string, presentedProfile: 0 | 1 | 2 | 3, password?: string) =>
    callRpc(nc, authenticateStationRpc, { stationId, presentedProfile, ...(password ? { password } : {}) })

  it('refuses unknown stations by default (production policy)', async () => {
    assert.deepEqual(await auth('NOBODY', 1, 'whatever-password-1'), {
      accepted: false,
      reason: 'unknown_station',
    })
  })

  it('stores the password hashed and checks it on every attempt', async () => {
    const stored = await callRpc(nc, upsertStationCredentialsRpc, {
      stationId: 'A-1',
      password: 'first-password-0001',
    })
    assert.deepEqual(stored, { stationId: 'A-1', securityProfile: 1, hasPassword: true })
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    const { rows } = await client.query(
      'select password_hash from auth.station_credentials where station_id = $1',
      ['A-1'],
    )
    await client.end()
    assert.match(rows[0].password_hash, /^scrypt\$/)
    assert.doesNotMatch(rows[0].password_hash, /first-password/)

    assert.equal((await auth('A-1', 1, 'first-password-0001')).accepted, true)
    assert.equal((await auth('A-1', 1, 'first-password-0001')).accepted, true, 'cached answer stays right')
    assert.deepEqual(await auth('A-1', 1, 'wrong-password-0001'), { accepted: false, reason: 'bad_password' })
    assert.deepEqual(await auth('A-1', 0), { accepted: false, reason: 'weaker_profile' })
  })

  it('invalidates the old password as soon as a new one is stored', async () => {
    await callRpc(nc, upsertStationCredentialsRpc, { stationId: 'A-2', password: 'old-password-000001' })
    assert.equal((await auth('A-2', 1, 'old-password-000001')).accepted, true)
    await callRpc(nc, upsertStationCredentialsRpc, { stationId: 'A-2', password: 'new-password-000001' })
    assert.deepEqual(await auth('A-2', 1, 'old-password-000001'), { accepted: false, reason: 'bad_password' })
    assert.equal((await auth('A-2', 1, 'new-password-000001')).accepted, true)
  })

  it('refuses a downgrade from the registered profile', async () => {
    await callRpc(nc, upsertStationCredentialsRpc, {
      stationId: 'A-3',
      password: 'tls-password-000001',
      securityProfile: 2,
    })
    assert.deepEqual(await auth('A-3', 1, 'tls-password-000001'), {
      accepted: false,
      reason: 'weaker_profile',
    })
    assert.equal((await auth('A-3', 2, 'tls-password-000001')).accepted, true)
  })

  it('refuses a password out of the OCPP length range with a clear error', async () => {
    await assert.rejects(
      callRpc(nc, upsertStationCredentialsRpc, { stationId: 'A-4', password: 'short' }),
      (e: Error & { code?: string }) => e.code === 'invalid_input',
    )
  })

  it('forgets a deregistered station', async () => {
    await callRpc(nc, upsertStationCredentialsRpc, { stationId: 'A-5', password: 'gone-password-00001' })
    assert.deepEqual(await callRpc(nc, deleteStationCredentialsRpc, { stationId: 'A-5' }), { deleted: true })
    assert.deepEqual(await auth('A-5', 1, 'gone-password-00001'), {
      accepted: false,
      reason: 'unknown_station',
    })
  })
})
