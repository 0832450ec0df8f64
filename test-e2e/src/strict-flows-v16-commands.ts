import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Payload } from './strict-driver.js'
import { ALL_CARDS, type StrictHarness } from './strict-harness.js'
import { certificateCommands, localListsSent, provoke, refusedCommand } from './strict-steps.js'

// OCPP 1.6: what the operator API and the services make the CSMS send a station, each CALL
// checked by the station's strict mode, each answer returned by the API.

const PROFILE = {
  chargingProfileId: 61,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Relative',
  chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
}

export function v16CommandFlows(h: StrictHarness): void {
  it('sends the operator commands the 1.6 schemas accept and returns the answers', async () => {
    const cs = h.main('ocpp1.6')
    for (const [action, payload, answer] of [
      ['ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' }, { status: 'Accepted' }],
      [
        'GetConfiguration',
        { key: ['HeartbeatInterval'] },
        { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] },
      ],
      ['Reset', { type: 'Soft' }, { status: 'Accepted' }],
      ['TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }, { status: 'Accepted' }],
      ['ChangeAvailability', { connectorId: 1, type: 'Operative' }, { status: 'Accepted' }],
      ['UnlockConnector', { connectorId: 1 }, { status: 'Unlocked' }],
      ['ClearCache', {}, { status: 'Accepted' }],
      ['SetChargingProfile', { connectorId: 1, csChargingProfiles: PROFILE }, { status: 'Accepted' }],
      ['ClearChargingProfile', { id: 61 }, { status: 'Accepted' }],
    ] as const) {
      const sent = await provoke(cs, action, () => h.command(cs.id, action, payload))
      assert.deepEqual(sent.params, payload, action)
      assert.deepEqual(sent.answer, answer, action)
    }
    const composite = await provoke(cs, 'GetCompositeSchedule', () =>
      h.command(cs.id, 'GetCompositeSchedule', { connectorId: 1, duration: 3_600, chargingRateUnit: 'A' }),
    )
    assert.equal(composite.answer.status, 'Accepted')
    await refusedCommand(h, cs)
    cs.assertConformant()
  })

  it('sends local lists, certificates, firmware and diagnostics commands the 1.6 schemas accept', async () => {
    const cs = h.main('ocpp1.6')
    for (const list of await localListsSent(h, cs)) {
      const entries = list.localAuthorizationList as Array<{ idTag: string; idTagInfo: Payload }>
      assert.deepEqual(entries.map((e) => e.idTag).sort(), ALL_CARDS.map((c) => c.idToken).sort())
      assert.ok(entries.every((e) => e.idTagInfo.status === 'Accepted'))
    }
    await certificateCommands(h, cs, {
      valid: 'CentralSystemRootCertificate',
      otherVersion: 'CSMSRootCertificate',
    })
    const location = 'https://firmware.example.com/strict-16.bin'
    const update = await provoke(cs, 'UpdateFirmware', () =>
      h.send('POST', `/v1/stations/${cs.id}/firmware-updates`, { firmware: { location } }),
    )
    assert.equal(update.params.location, location)
    assert.ok(!Number.isNaN(Date.parse(String(update.params.retrieveDate))))
    const diagnostics = await provoke(cs, 'GetDiagnostics', () =>
      h.send('POST', `/v1/stations/${cs.id}/log-uploads`, {
        logType: 'DiagnosticsLog',
        remoteLocation: 'ftp://logs.example.com/upload',
      }),
    )
    assert.deepEqual(diagnostics.params, { location: 'ftp://logs.example.com/upload' })
    cs.assertConformant()
  })

  it('rotates the Basic auth password with ChangeConfiguration AuthorizationKey', async () => {
    const cs = h.main('ocpp1.6')
    const rotated = await provoke(cs, 'ChangeConfiguration', () =>
      h.send<{ status: string; password: string }>('POST', `/v1/stations/${cs.id}/password-rotation`, {}),
    )
    assert.equal(rotated.answer.status, 'confirmed')
    assert.deepEqual(rotated.params, { key: 'AuthorizationKey', value: rotated.answer.password })
    cs.assertConformant()
  })
}
