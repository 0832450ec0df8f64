import assert from 'node:assert/strict'
import { it } from 'node:test'
import { waitFor } from '@csms/testkit'
import type { Payload } from './strict-driver.js'
import {
  FLEET_CARD,
  FLEET_GROUP,
  ID_TOKEN,
  LONG_GROUP_CARD,
  type StrictHarness,
  TAG,
  TAG_GROUP,
} from './strict-harness.js'
import { aV16MeterValue, now } from './strict-payloads.js'
import { pendingThenAccepted, provoke, rejected } from './strict-steps.js'

// OCPP 1.6: registration, what a station sends of itself, a remote session and the site
// balancer's profiles, each answer checked against the 1.6 schemas.

const available = (connectorId: number) => ({
  connectorId,
  errorCode: 'NoError',
  status: 'Available',
  timestamp: now(),
})

/** The station flows of 1.6; the first boots the station the later flows drive. */
export function v16StationFlows(h: StrictHarness): void {
  it('boots over HTTP Basic auth: BootNotification Accepted with an interval, Heartbeat, StatusNotification', async () => {
    const cs = await h.boot(h.stationId('ocpp1.6'), 'ocpp1.6')
    h.setMain(cs)
    for (const connectorId of [0, 1])
      assert.deepEqual(await cs.call('StatusNotification', available(connectorId)), {})
    cs.assertConformant()
  })

  it('answers the station-initiated CALLs with schema-valid CALLRESULTs', async () => {
    const cs = h.main('ocpp1.6')
    const auth = await cs.call<{ idTagInfo: Payload }>('Authorize', { idTag: TAG })
    assert.deepEqual([auth.idTagInfo.status, auth.idTagInfo.parentIdTag], ['Accepted', TAG_GROUP.idToken])
    for (const [card, parent] of [
      [FLEET_CARD, FLEET_GROUP.idToken],
      [LONG_GROUP_CARD, undefined],
    ] as const) {
      const grouped = await cs.call<{ idTagInfo: Payload }>('Authorize', { idTag: card.idToken })
      assert.deepEqual([grouped.idTagInfo.status, grouped.idTagInfo.parentIdTag], ['Accepted', parent])
    }
    const transfer = await cs.call<{ status: string }>('DataTransfer', {
      vendorId: 'com.example.strict',
      messageId: 'Hello',
      data: 'x',
    })
    assert.ok(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId'].includes(transfer.status))
    for (const [action, payload] of [
      ['DiagnosticsStatusNotification', { status: 'Idle' }],
      ['FirmwareStatusNotification', { status: 'Idle' }],
      ['SecurityEventNotification', { type: 'SettingSystemTime', timestamp: now() }],
      ['LogStatusNotification', { status: 'Idle' }],
      ['SignedFirmwareStatusNotification', { status: 'Idle' }],
    ] as const)
      assert.deepEqual(await cs.call(action, payload), {}, action)
    const signed = await cs.call<{ status: string }>('SignCertificate', {
      csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
    })
    assert.ok(['Accepted', 'Rejected'].includes(signed.status), signed.status)
    cs.assertConformant()
  })

  it('answers a Pending station, triggers its BootNotification once accepted, and refuses a Rejected one', async () => {
    await pendingThenAccepted(h, 'ocpp1.6')
    await rejected(h, 'ocpp1.6')
  })

  it('starts and stops a session remotely: StartTransaction, MeterValues, StopTransaction', async () => {
    const cs = h.main('ocpp1.6')
    const start = await provoke(cs, 'RemoteStartTransaction', () =>
      h.send<{ status: string }>('POST', '/v1/transactions', {
        stationId: cs.id,
        evseId: 1,
        idToken: ID_TOKEN,
      }),
    )
    assert.deepEqual([start.params, start.answer.status], [{ idTag: TAG, connectorId: 1 }, 'Accepted'])
    const started = await cs.call<{ transactionId: number; idTagInfo: Payload }>('StartTransaction', {
      connectorId: 1,
      idTag: TAG,
      meterStart: 1_000,
      timestamp: now(),
    })
    assert.ok(Number.isInteger(started.transactionId), String(started.transactionId))
    assert.equal(started.idTagInfo.status, 'Accepted')
    const transactionId = started.transactionId
    const meterValues = { connectorId: 1, transactionId, meterValue: [aV16MeterValue(3_500)] }
    assert.deepEqual(await cs.call('MeterValues', meterValues), {})
    const stop = await provoke(cs, 'RemoteStopTransaction', () =>
      h.send<{ status: string }>('POST', `/v1/transactions/${transactionId}/stop?stationId=${cs.id}`),
    )
    assert.deepEqual([stop.params, stop.answer.status], [{ transactionId }, 'Accepted'])
    const stopped = await cs.call<{ idTagInfo?: Payload }>('StopTransaction', {
      transactionId,
      idTag: TAG,
      meterStop: 6_000,
      timestamp: now(),
      reason: 'Remote',
      transactionData: [aV16MeterValue(6_000, 'Transaction.End')],
    })
    assert.equal(stopped.idTagInfo?.status ?? 'Accepted', 'Accepted')
    const session = await h.send<{ state: string; energyWh: number }>(
      'GET',
      `/v1/transactions/${transactionId}?stationId=${cs.id}`,
    )
    assert.deepEqual([session.state, session.energyWh], ['ended', 5_000])
    cs.assertConformant()
  })

  it("takes the site balancer's charging profiles: TxDefaultProfile at boot, TxProfile per session", async () => {
    const bal = await h.boot(h.stationId('ocpp1.6', 'BAL'), 'ocpp1.6')
    assert.deepEqual(await bal.call('StatusNotification', available(1)), {})
    const profiles = (purpose: string) =>
      bal
        .callsOf('SetChargingProfile')
        .filter((p) => (p.csChargingProfiles as Payload).chargingProfilePurpose === purpose)
    await waitFor(() => profiles('TxDefaultProfile').length > 0, {
      timeoutMs: 20_000,
      description: 'the TxDefaultProfile of the balanced site',
    })
    const started = await bal.call<{ transactionId: number; idTagInfo: Payload }>('StartTransaction', {
      connectorId: 1,
      idTag: LONG_GROUP_CARD.idToken,
      meterStart: 0,
      timestamp: now(),
    })
    assert.equal(started.idTagInfo.status, 'Accepted')
    const txProfile = await waitFor(() => profiles('TxProfile')[0], {
      timeoutMs: 20_000,
      description: "the balancer's TxProfile for the session",
    })
    assert.equal((txProfile.csChargingProfiles as Payload).transactionId, started.transactionId)
    bal.assertConformant()
  })
}
