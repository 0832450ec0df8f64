import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Payload, StrictProtocol } from './strict-driver.js'
import {
  ALL_CARDS,
  FLEET_CARD,
  FLEET_GROUP,
  LONG_GROUP,
  LONG_GROUP_CARD,
  type StrictHarness,
  TAG,
  TAG_GROUP,
} from './strict-harness.js'
import { now } from './strict-payloads.js'
import { certificateCommands, localListsSent, provoke, refusedCommand } from './strict-steps.js'

// OCPP 2.0.1 and 2.1: what the operator API and the services make the CSMS send a station, each
// CALL checked by the station's strict mode, each answer returned by the API.

type Job = { requestId: number; status: string }
const HEARTBEAT = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }

export function v2CommandFlows(h: StrictHarness, protocol: Exclude<StrictProtocol, 'ocpp1.6'>): void {
  const groupFor = (group: Payload) => (protocol === 'ocpp2.1' ? group : undefined)

  it('sends device-management commands the schemas accept and returns the answers', async () => {
    const cs = h.main(protocol)
    const hb = HEARTBEAT
    for (const [action, payload, answer] of [
      [
        'GetVariables',
        { getVariableData: [hb] },
        {
          getVariableResult: [
            { attributeStatus: 'Accepted', attributeType: 'Actual', attributeValue: '300', ...hb },
          ],
        },
      ],
      [
        'SetVariables',
        { setVariableData: [{ ...hb, attributeValue: '120' }] },
        { setVariableResult: [{ attributeStatus: 'Accepted', attributeType: 'Actual', ...hb }] },
      ],
      [
        'TriggerMessage',
        { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
        { status: 'Accepted' },
      ],
      ['Reset', { type: 'OnIdle' }, { status: 'Scheduled' }],
      ['ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } }, { status: 'Accepted' }],
      ['UnlockConnector', { evseId: 1, connectorId: 1 }, { status: 'Unlocked' }],
    ] as const) {
      const sent = await provoke(cs, action, () => h.command(cs.id, action, payload))
      assert.deepEqual(sent.params, payload, action)
      assert.deepEqual(sent.answer, answer, action)
    }
    await refusedCommand(h, cs)

    const report = await provoke(cs, 'GetBaseReport', () =>
      h.send<Job>('POST', `/v1/stations/${cs.id}/reports`, { reportBase: 'ConfigurationInventory' }),
    )
    assert.deepEqual(report.params, {
      requestId: report.answer.requestId,
      reportBase: 'ConfigurationInventory',
    })
    const firmware = { location: 'https://firmware.example.com/strict-2.0.0.bin', retrieveDateTime: now() }
    const update = await provoke(cs, 'UpdateFirmware', () =>
      h.send<Job>('POST', `/v1/stations/${cs.id}/firmware-updates`, { firmware, retries: 2 }),
    )
    assert.equal(update.params.requestId, update.answer.requestId)
    assert.equal((update.params.firmware as Payload).location, firmware.location)
    const log = await provoke(cs, 'GetLog', () =>
      h.send<Job>('POST', `/v1/stations/${cs.id}/log-uploads`, {
        logType: 'DiagnosticsLog',
        remoteLocation: 'https://logs.example.com/upload',
      }),
    )
    assert.deepEqual(log.params, {
      requestId: log.answer.requestId,
      logType: 'DiagnosticsLog',
      log: { remoteLocation: 'https://logs.example.com/upload' },
    })
    assert.deepEqual(
      [report.answer.status, update.answer.status, log.answer.status],
      ['Accepted', 'Accepted', 'Accepted'],
    )
    cs.assertConformant()
  })

  it('sends authorization and certificate commands the schemas accept', async () => {
    const cs = h.main(protocol)
    const clear = await provoke(cs, 'ClearCache', () => h.command(cs.id, 'ClearCache', {}))
    assert.deepEqual([clear.params, clear.answer], [{}, { status: 'Accepted' }])
    const certs = await provoke(cs, 'GetInstalledCertificateIds', () =>
      h.send<{ status: string }>('GET', `/v1/stations/${cs.id}/certificates`),
    )
    assert.equal(certs.answer.status, 'NotFound')
    await certificateCommands(h, cs, {
      valid: 'CSMSRootCertificate',
      otherVersion: 'CentralSystemRootCertificate',
    })

    // The local list goes to the station in the background, then a full sync on request.
    for (const list of await localListsSent(h, cs)) {
      const entries = list.localAuthorizationList as Array<{ idToken: Payload; idTokenInfo: Payload }>
      const byId = (a: Payload, b: Payload) => String(a.idToken).localeCompare(String(b.idToken))
      assert.deepEqual(entries.map((e) => e.idToken).sort(byId), [...ALL_CARDS].sort(byId))
      const groups = new Map(entries.map((e) => [e.idToken.idToken, e.idTokenInfo.groupIdToken]))
      assert.deepEqual(
        groups,
        new Map([
          [TAG, TAG_GROUP],
          [FLEET_CARD.idToken, groupFor(FLEET_GROUP)],
          [LONG_GROUP_CARD.idToken, groupFor(LONG_GROUP)],
        ]),
      )
      assert.ok(entries.every((e) => e.idTokenInfo.status === 'Accepted'))
    }
    cs.assertConformant()
  })

  it('sends smart-charging commands the schemas accept', async () => {
    const cs = h.main(protocol)
    const profile = {
      id: 77,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [
        {
          id: 1,
          startSchedule: now(),
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
        },
      ],
    }
    const set = await provoke(cs, 'SetChargingProfile', () =>
      h.send('POST', `/v1/stations/${cs.id}/charging-profiles`, { evseId: 1, chargingProfile: profile }),
    )
    assert.deepEqual(
      [set.params, set.answer],
      [{ evseId: 1, chargingProfile: profile }, { status: 'Accepted' }],
    )
    const report = await provoke(cs, 'GetChargingProfiles', () =>
      h.send<{ requestId: number; response: Payload }>(
        'POST',
        `/v1/stations/${cs.id}/charging-profiles/report`,
        {
          evseId: 1,
          criteria: { chargingProfilePurpose: 'TxDefaultProfile' },
        },
      ),
    )
    assert.deepEqual(report.params, {
      requestId: report.answer.requestId,
      evseId: 1,
      chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' },
    })
    assert.deepEqual(report.answer.response, { status: 'NoProfiles' })
    const composite = await provoke(cs, 'GetCompositeSchedule', () =>
      h.send('POST', `/v1/stations/${cs.id}/composite-schedule`, { evseId: 1, duration: 3_600, unit: 'A' }),
    )
    assert.deepEqual(composite.params, { evseId: 1, duration: 3_600, chargingRateUnit: 'A' })
    const clear = await provoke(cs, 'ClearChargingProfile', () =>
      h.send('DELETE', `/v1/stations/${cs.id}/charging-profiles?chargingProfileId=77`),
    )
    assert.deepEqual([clear.params, clear.answer], [{ chargingProfileId: 77 }, { status: 'Accepted' }])
    cs.assertConformant()
  })

  it('rotates the Basic auth password with SetVariables SecurityCtrlr.BasicAuthPassword (A01)', async () => {
    const cs = h.main(protocol)
    const rotated = await provoke(cs, 'SetVariables', () =>
      h.send<{ status: string; password: string }>('POST', `/v1/stations/${cs.id}/password-rotation`, {}),
    )
    assert.equal(rotated.answer.status, 'confirmed')
    assert.deepEqual(rotated.params, {
      setVariableData: [
        {
          attributeType: 'Actual',
          attributeValue: rotated.answer.password,
          component: { name: 'SecurityCtrlr' },
          variable: { name: 'BasicAuthPassword' },
        },
      ],
    })
    cs.assertConformant()
  })
}
