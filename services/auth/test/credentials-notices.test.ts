import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  authenticateStationRpc,
  callRpc,
  credentialsChangedSubject,
  decodeStationId,
  deleteStationCredentialsRpc,
  rotateStationPasswordRpc,
  upsertStationCredentialsRpc,
} from '@csms/bus'
import type { Subscription } from '@nats-io/transport-node'
import { callError, type FakeStation, fakeStation, type Harness, startHarness } from './support/harness.js'

type Notice = { subject: string; stationId: string; change: string }

/**
 * The notices gateways act on: every committed change of a station's credentials is announced on
 * gw.credentials.<station>, and (heard on the caller's own connection) before the answer to the
 * request that made it, so a gateway never sees the answer first.
 */
describe('credentials-changed notices over real NATS and PostgreSQL', () => {
  let h: Harness
  let sub: Subscription
  const notices: Notice[] = []
  const fakes: FakeStation[] = []
  const prefix = credentialsChangedSubject('x').slice(0, -1)

  before(async () => {
    h = await startHarness()
    sub = h.nc.subscribe(`${prefix}*`, {
      callback: (err, msg) => {
        if (err) return
        const body = msg.json<{ stationId: string; change: string }>()
        notices.push({ subject: msg.subject, stationId: body.stationId, change: body.change })
      },
    })
    await h.nc.flush()
  })
  after(async () => {
    for (const f of fakes) f.stop()
    sub?.unsubscribe()
    await h?.stop()
  })

  /** The notices that arrived since the last call, for `stationId`. */
  const taken = (stationId: string) => {
    const mine = notices.filter((n) => n.stationId === stationId)
    notices.splice(0, notices.length, ...notices.filter((n) => n.stationId !== stationId))
    for (const n of mine) assert.equal(decodeStationId(n.subject.slice(prefix.length)), stationId)
    return mine.map((n) => n.change)
  }
  const register = (stationId: string, change: { password?: string; securityProfile?: 1 | 2 | 3 }) =>
    callRpc(h.nc, upsertStationCredentialsRpc, { stationId, ...change })
  const login = async (stationId: string, password: string) =>
    (await callRpc(h.nc, authenticateStationRpc, { stationId, presentedProfile: 1, password })).accepted
  const rotate = (stationId: string, password: string) =>
    callRpc(h.nc, rotateStationPasswordRpc, { stationId, password }, { timeoutMs: 20_000 })
  const setVariables = (attributeStatus: string) => () => ({
    setVariableResult: [
      { attributeStatus, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } },
    ],
  })

  it('announces a registration, a new password and a new profile before answering', async () => {
    await register('N.1*x', { password: 'first-password-000001' })
    assert.deepEqual(taken('N.1*x'), ['upserted'], 'heard before the answer, subject encoded')
    await register('N.1*x', { password: 'second-password-00001' })
    assert.deepEqual(taken('N.1*x'), ['upserted'])
    await register('N.1*x', { securityProfile: 2 })
    assert.deepEqual(taken('N.1*x'), ['upserted'])
  })

  it('announces a deletion, and nothing for a station that was not there', async () => {
    await register('N-DEL', { password: 'delete-password-00001' })
    taken('N-DEL')
    assert.deepEqual(await callRpc(h.nc, deleteStationCredentialsRpc, { stationId: 'N-DEL' }), {
      deleted: true,
    })
    assert.deepEqual(taken('N-DEL'), ['removed'])
    assert.deepEqual(await callRpc(h.nc, deleteStationCredentialsRpc, { stationId: 'N-DEL' }), {
      deleted: false,
    })
    await h.nc.flush()
    assert.deepEqual(taken('N-DEL'), [])
  })

  it('announces a rotation the station confirms, before the rotation answers', async () => {
    await register('N-ROT', { password: 'old-password-0000001' })
    await h.online('N-ROT')
    fakes.push(fakeStation(h.nc, 'N-ROT', { SetVariables: setVariables('Accepted') }))
    taken('N-ROT')
    assert.equal((await rotate('N-ROT', 'new-password-0000001')).status, 'confirmed')
    assert.deepEqual(taken('N-ROT'), ['rotation_started', 'rotation_confirmed'])
    assert.equal(await login('N-ROT', 'old-password-0000001'), false)
    assert.deepEqual(taken('N-ROT'), [], 'a refusal changes nothing')
  })

  it('announces the login that confirms a pending rotation, and a rotation the station refuses', async () => {
    await register('N-PEND', { password: 'old-password-0000002' })
    await h.online('N-PEND')
    taken('N-PEND')
    // No one holds N-PEND: the rotation waits; both passwords are valid meanwhile.
    assert.equal((await rotate('N-PEND', 'new-password-0000002')).status, 'pending')
    assert.deepEqual(taken('N-PEND'), ['rotation_started'])
    assert.equal(await login('N-PEND', 'old-password-0000002'), true)
    assert.deepEqual(taken('N-PEND'), [], 'a login with the old password changes nothing')
    assert.equal(await login('N-PEND', 'new-password-0000002'), true)
    assert.deepEqual(taken('N-PEND'), ['rotation_confirmed'], 'the old password is now invalid')

    await register('N-REF', { password: 'old-password-0000003' })
    await h.online('N-REF')
    fakes.push(fakeStation(h.nc, 'N-REF', { SetVariables: () => callError('NotSupported') }))
    taken('N-REF')
    assert.equal((await rotate('N-REF', 'new-password-0000003')).status, 'rejected')
    assert.deepEqual(taken('N-REF'), ['rotation_started', 'rotation_dropped'])
  })
})
