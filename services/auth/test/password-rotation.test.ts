import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  authenticateStationRpc,
  callRpc,
  rotateStationPasswordRpc,
  upsertStationCredentialsRpc,
} from '@csms/bus'
import { type FakeStation, fakeStation, type Harness, startHarness } from './support/harness.js'

describe('station password rotation over real NATS and PostgreSQL', () => {
  let h: Harness
  const fakes: FakeStation[] = []
  before(async () => {
    h = await startHarness()
  })
  after(async () => {
    for (const f of fakes) f.stop()
    await h?.stop()
  })

  const register = (stationId: string, password: string) =>
    callRpc(h.nc, upsertStationCredentialsRpc, { stationId, password })
  const login = async (stationId: string, password: string) =>
    (await callRpc(h.nc, authenticateStationRpc, { stationId, presentedProfile: 1, password })).accepted
  const rotate = (stationId: string, password?: string) =>
    callRpc(
      h.nc,
      rotateStationPasswordRpc,
      { stationId, ...(password ? { password } : {}) },
      { timeoutMs: 20_000 },
    )
  const station = (id: string, answers: Parameters<typeof fakeStation>[2]) => {
    const f = fakeStation(h.nc, id, answers)
    fakes.push(f)
    return f
  }
  const setVariablesAnswer = (attributeStatus: string) => () => ({
    setVariableResult: [
      { attributeStatus, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } },
    ],
  })

  it('sends SecurityCtrlr.BasicAuthPassword; once the station accepts, only the new password works', async () => {
    await register('PW-1', 'old-password-0000001')
    await h.online('PW-1')
    const s = station('PW-1', { SetVariables: setVariablesAnswer('Accepted') })
    assert.deepEqual(await rotate('PW-1', 'new-password-0000001'), {
      stationId: 'PW-1',
      status: 'confirmed',
      detail: 'Accepted',
    })
    const [sent] = await s.received('SetVariables')
    assert.deepEqual(sent?.payload, {
      setVariableData: [
        {
          attributeType: 'Actual',
          attributeValue: 'new-password-0000001',
          component: { name: 'SecurityCtrlr' },
          variable: { name: 'BasicAuthPassword' },
        },
      ],
    })
    assert.equal(await login('PW-1', 'old-password-0000001'), false)
    assert.equal(await login('PW-1', 'new-password-0000001'), true)
  })

  it('keeps the old password valid while the station has not confirmed, until it logs in with the new one', async () => {
    await register('PW-2', 'old-password-0000002')
    await h.online('PW-2')
    // No gateway holds PW-2: the SetVariables cannot be delivered.
    const pending = await rotate('PW-2', 'new-password-0000002')
    assert.equal(pending.status, 'pending')
    assert.equal(await login('PW-2', 'old-password-0000002'), true, 'old still valid')
    assert.equal(await login('PW-2', 'new-password-0000002'), true, 'new already valid')
    // That login with the new password was the station's confirmation.
    assert.equal(await login('PW-2', 'old-password-0000002'), false)
    assert.equal(await login('PW-2', 'new-password-0000002'), true)
    assert.equal(await login('PW-2', 'some-other-password1'), false)
  })

  it('drops the new password when the station refuses it', async () => {
    await register('PW-3', 'old-password-0000003')
    await h.online('PW-3')
    station('PW-3', { SetVariables: setVariablesAnswer('Rejected') })
    assert.equal((await rotate('PW-3', 'new-password-0000003')).status, 'rejected')
    assert.equal(await login('PW-3', 'old-password-0000003'), true)
    assert.equal(await login('PW-3', 'new-password-0000003'), false)
  })

  it('generates a password when none is given, and rotates 1.6 stations through AuthorizationKey', async () => {
    await register('PW-16', 'old-password-0000016')
    await h.online('PW-16', 'ocpp1.6')
    const s = station('PW-16', { ChangeConfiguration: () => ({ status: 'Accepted' }) })
    const rotated = await rotate('PW-16')
    assert.equal(rotated.status, 'confirmed')
    assert.match(rotated.password ?? '', /^[0-9a-f]{40}$/)
    const [sent] = await s.received('ChangeConfiguration')
    assert.deepEqual(sent?.payload, { key: 'AuthorizationKey', value: rotated.password })
    assert.equal(await login('PW-16', rotated.password ?? ''), true)
    assert.equal(await login('PW-16', 'old-password-0000016'), false)
  })

  it('refuses to rotate a station that is not registered', async () => {
    await assert.rejects(rotate('PW-NONE'), (e: Error & { code?: string }) => e.code === 'not_found')
  })
})
