import assert from 'node:assert/strict'
import { it } from 'node:test'
import { waitFor } from '@csms/testkit'
import type { Payload, StrictProtocol } from './strict-driver.js'
import { FLEET_CARD, FLEET_GROUP, ID_TOKEN, type StrictHarness } from './strict-harness.js'
import { aTransactionEvent, now } from './strict-payloads.js'
import { provoke } from './strict-steps.js'

// OCPP 2.0.1 and 2.1: a session started and stopped through the API, with its cost, and the
// site balancer's charging profiles.

export function v2TransactionFlows(h: StrictHarness, protocol: Exclude<StrictProtocol, 'ocpp1.6'>): void {
  const v21 = protocol === 'ocpp2.1'

  it('starts and stops a session remotely: TransactionEvents, CostUpdated, GetTransactionStatus', async () => {
    const cs = h.main(protocol)
    const start = await provoke(cs, 'RequestStartTransaction', () =>
      h.send<{ remoteStartId: number; stationResponse: Payload }>('POST', '/v1/transactions', {
        stationId: cs.id,
        evseId: 1,
        idToken: ID_TOKEN,
      }),
    )
    const remoteStartId = start.answer.remoteStartId
    assert.deepEqual(start.params, { remoteStartId, idToken: ID_TOKEN, evseId: 1 })
    assert.deepEqual(start.answer.stationResponse, { status: 'Accepted' })

    const tx = { transactionId: `${cs.id}-TX`, idToken: ID_TOKEN }
    const started = await cs.call<{ idTokenInfo?: Payload }>(
      'TransactionEvent',
      aTransactionEvent({
        ...tx,
        seqNo: 0,
        eventType: 'Started',
        triggerReason: 'RemoteStart',
        remoteStartId,
        registerWh: 1_000,
      }),
    )
    assert.equal(started.idTokenInfo?.status, 'Accepted')
    // 2.0.1: totalCost "SHALL only be sent when charging has ended", the running cost comes as
    // CostUpdated; 2.1 answers an Updated event with the running cost as well.
    const updated = await cs.call<{ totalCost?: number }>(
      'TransactionEvent',
      aTransactionEvent({
        transactionId: tx.transactionId,
        seqNo: 1,
        eventType: 'Updated',
        triggerReason: 'MeterValuePeriodic',
        registerWh: 3_500,
      }),
    )
    assert.equal(typeof updated.totalCost, v21 ? 'number' : 'undefined')
    const cost = await waitFor(() => cs.callsOf('CostUpdated')[0], {
      timeoutMs: 10_000,
      description: 'CostUpdated for the running session',
    })
    assert.equal(cost.transactionId, tx.transactionId)

    const status = await provoke(cs, 'GetTransactionStatus', () =>
      h.command(cs.id, 'GetTransactionStatus', { transactionId: tx.transactionId }),
    )
    assert.deepEqual(status.answer, { ongoingIndicator: true, messagesInQueue: false })
    const stop = await provoke(cs, 'RequestStopTransaction', () =>
      h.send<{ status: string }>('POST', `/v1/transactions/${tx.transactionId}/stop?stationId=${cs.id}`),
    )
    assert.deepEqual([stop.params, stop.answer.status], [{ transactionId: tx.transactionId }, 'Accepted'])
    const ended = await cs.call<{ totalCost?: number }>(
      'TransactionEvent',
      aTransactionEvent({
        ...tx,
        seqNo: 2,
        eventType: 'Ended',
        triggerReason: 'RemoteStop',
        registerWh: 6_000,
      }),
    )
    assert.equal(typeof ended.totalCost, 'number')
    const session = await h.send<{ state: string; energyWh: number }>(
      'GET',
      `/v1/transactions/${tx.transactionId}?stationId=${cs.id}`,
    )
    assert.deepEqual([session.state, session.energyWh], ['ended', 5_000])
    cs.assertConformant()
  })

  it("takes the site balancer's charging profiles: TxDefaultProfile at boot, TxProfile per session", async () => {
    const bal = await h.boot(h.stationId(protocol, 'BAL'), protocol)
    const status = { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 }
    assert.deepEqual(await bal.call('StatusNotification', status), {})
    const profiles = (purpose: string) =>
      bal
        .callsOf('SetChargingProfile')
        .filter((p) => (p.chargingProfile as Payload).chargingProfilePurpose === purpose)
    await waitFor(() => profiles('TxDefaultProfile').length > 0, {
      timeoutMs: 20_000,
      description: 'the TxDefaultProfile of the balanced site',
    })
    const transactionId = `${bal.id}-TX`
    const started = await bal.call<{ idTokenInfo: Payload }>(
      'TransactionEvent',
      aTransactionEvent({
        transactionId,
        seqNo: 0,
        eventType: 'Started',
        triggerReason: 'Authorized',
        idToken: FLEET_CARD,
        registerWh: 0,
      }),
    )
    assert.deepEqual(
      [started.idTokenInfo.status, started.idTokenInfo.groupIdToken],
      ['Accepted', v21 ? FLEET_GROUP : undefined],
    )
    const txProfile = await waitFor(() => profiles('TxProfile')[0], {
      timeoutMs: 20_000,
      description: "the balancer's TxProfile for the session",
    })
    assert.equal((txProfile.chargingProfile as Payload).transactionId, transactionId)
    bal.assertConformant()
  })
}
