import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Payload, StrictProtocol } from './strict-driver.js'
import {
  FLEET_CARD,
  FLEET_GROUP,
  ID_TOKEN,
  LONG_GROUP,
  LONG_GROUP_CARD,
  type StrictHarness,
  TAG_GROUP,
} from './strict-harness.js'
import { aMeterValue, now, v201Notifications } from './strict-payloads.js'
import { pendingThenAccepted, rejected } from './strict-steps.js'

// OCPP 2.0.1 and 2.1: registration and what a station sends of itself, answered with
// schema-valid CALLRESULTs.

const OCSP_REQUEST = {
  hashAlgorithm: 'SHA256',
  issuerNameHash: 'a'.repeat(64),
  issuerKeyHash: 'b'.repeat(64),
  serialNumber: '1234',
  responderURL: 'http://127.0.0.1:9/ocsp',
}

/** The station flows of a 2.x version; the first boots the station the later flows drive. */
export function v2StationFlows(h: StrictHarness, protocol: Exclude<StrictProtocol, 'ocpp1.6'>): void {
  /** A group only 2.1's IdTokenType can carry: a 2.0.1 station is sent the card without it. */
  const groupFor = (group: Payload) => (protocol === 'ocpp2.1' ? group : undefined)

  it('boots over HTTP Basic auth: BootNotification Accepted with an interval, Heartbeat, StatusNotification', async () => {
    const cs = await h.boot(h.stationId(protocol), protocol)
    h.setMain(cs)
    for (const evseId of [1, 2]) {
      const status = { timestamp: now(), connectorStatus: 'Available', evseId, connectorId: 1 }
      assert.deepEqual(await cs.call('StatusNotification', status), {})
    }
    cs.assertConformant()
  })

  it('answers the station-initiated notifications and requests with schema-valid CALLRESULTs', async () => {
    const cs = h.main(protocol)
    const auth = await cs.call<{ idTokenInfo: Payload }>('Authorize', { idToken: ID_TOKEN })
    assert.equal(auth.idTokenInfo.status, 'Accepted')
    assert.deepEqual(auth.idTokenInfo.groupIdToken, TAG_GROUP)
    for (const [card, group] of [
      [FLEET_CARD, FLEET_GROUP],
      [LONG_GROUP_CARD, LONG_GROUP],
    ] as const) {
      const grouped = await cs.call<{ idTokenInfo: Payload }>('Authorize', { idToken: card })
      assert.equal(grouped.idTokenInfo.status, 'Accepted')
      assert.deepEqual(grouped.idTokenInfo.groupIdToken, groupFor(group), card.idToken)
    }
    const unknown = await cs.call<{ idTokenInfo: Payload }>('Authorize', {
      idToken: { idToken: 'STRICT-UNKNOWN-CARD', type: 'ISO14443' },
    })
    assert.equal(typeof unknown.idTokenInfo.status, 'string')
    assert.deepEqual(await cs.call('MeterValues', { evseId: 1, meterValue: [aMeterValue(1_000)] }), {})
    for (const [action, payload] of v201Notifications())
      assert.deepEqual(await cs.call(action, payload), {}, action)

    const needs = await cs.call<{ status: string }>('NotifyEVChargingNeeds', {
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'AC_three_phase',
        acChargingParameters: { energyAmount: 20_000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 },
      },
    })
    assert.ok(['Accepted', 'Rejected', 'Processing'].includes(needs.status), needs.status)
    const schedule = await cs.call<{ status: string }>('NotifyEVChargingSchedule', {
      timeBase: now(),
      evseId: 1,
      chargingSchedule: {
        id: 1,
        chargingRateUnit: 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
      },
    })
    assert.ok(['Accepted', 'Rejected'].includes(schedule.status), schedule.status)
    const transfer = await cs.call<{ status: string }>('DataTransfer', {
      vendorId: 'com.example.strict',
      messageId: 'Hello',
      data: 'x',
    })
    assert.ok(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId'].includes(transfer.status))
    cs.assertConformant()
  })

  it('answers the certificate requests of a station without a CA with schema-valid refusals', async () => {
    const cs = h.main(protocol)
    const status = await cs.call<{ status: string }>('GetCertificateStatus', {
      ocspRequestData: OCSP_REQUEST,
    })
    assert.ok(['Accepted', 'Failed'].includes(status.status), status.status)
    const signed = await cs.call<{ status: string }>('SignCertificate', {
      csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
      certificateType: 'ChargingStationCertificate',
    })
    assert.ok(['Accepted', 'Rejected'].includes(signed.status), signed.status)
    const ev = await cs.call<{ status: string }>('Get15118EVCertificate', {
      iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef',
      action: 'Install',
      exiRequest: 'AAAA',
    })
    assert.ok(['Accepted', 'Failed'].includes(ev.status), ev.status)
    // Plug & Charge Authorize (C07): a contract the CSMS cannot check is Invalid, with the reason.
    const contract = await cs.call<{ idTokenInfo: Payload; certificateStatus?: string }>('Authorize', {
      idToken: { idToken: 'DEACMC123456789', type: 'eMAID' },
      iso15118CertificateHashData: [OCSP_REQUEST],
    })
    assert.equal(typeof contract.idTokenInfo.status, 'string')
    assert.equal(typeof contract.certificateStatus, 'string')
    cs.assertConformant()
  })

  it('answers a Pending station, triggers its BootNotification once accepted, and refuses a Rejected one', async () => {
    await pendingThenAccepted(h, protocol)
    await rejected(h, protocol)
  })
}
