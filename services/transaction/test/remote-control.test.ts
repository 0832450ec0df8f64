import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  commandRpc,
  getTransactionRpc,
  isAppError,
  listReservationsRpc,
  startTransactionRpc,
  stopTransactionRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import type { Subscription } from '@nats-io/transport-node'
import { sql } from 'kysely'
import { aTransactionEvent, minute } from './support/builders.js'
import { factCounts } from './support/facts.js'
import {
  type FakeStation,
  fakeStation,
  fakeStationRegistry,
  type Harness,
  startHarness,
} from './support/harness.js'

describe('remote start and stop, transaction status and reservations', () => {
  let h: Harness
  let registry: Subscription
  const stations: FakeStation[] = []

  before(async () => {
    h = await startHarness({ CSMS_TX_RESERVATION_SWEEP_MS: '200' })
    registry = fakeStationRegistry(h.nc, {
      'RC-1': { protocol: 'ocpp2.0.1' },
      'RC-2': { protocol: 'ocpp2.0.1' },
      'RC-16': { protocol: 'ocpp1.6' },
      'RS-1': { protocol: 'ocpp2.0.1' },
    })
  })
  after(async () => {
    for (const s of stations) s.stop()
    registry?.unsubscribe()
    await h?.stop()
  })

  const station = (id: string, answers: Parameters<typeof fakeStation>[2]) => {
    const s = fakeStation(h.nc, id, answers)
    stations.push(s)
    return s
  }
  const command = (stationId: string, action: string, payload: unknown, version: 'v16' | 'v201' = 'v201') =>
    callRpc(h.nc, commandRpc('transaction'), { stationId, version, action, payload }, { timeoutMs: 10_000 })

  it('links a remote start to the TransactionEvent that follows, and a remote stop to its Ended', async () => {
    const rc = station('RC-1', {
      RequestStartTransaction: () => ({ status: 'Accepted' }),
      RequestStopTransaction: () => ({ status: 'Accepted' }),
    })
    const started = await callRpc(h.nc, startTransactionRpc, {
      stationId: 'RC-1',
      evseId: 1,
      idToken: { idToken: 'APP-USER-1', type: 'Central' },
    })
    assert.equal(started.status, 'Accepted')
    assert.equal(typeof started.remoteStartId, 'number')
    const sent = rc.calls.find((c) => c.action === 'RequestStartTransaction')
    assert.deepEqual(sent?.payload, {
      remoteStartId: started.remoteStartId,
      idToken: { idToken: 'APP-USER-1', type: 'Central' },
      evseId: 1,
    })
    await h.ok(
      'v201',
      'TransactionEvent',
      'RC-1',
      aTransactionEvent({
        transactionId: 'remote-1',
        seqNo: 0,
        eventType: 'Started',
        triggerReason: 'RemoteStart',
        remoteStartId: started.remoteStartId as number,
        idToken: { idToken: 'APP-USER-1', type: 'Central' },
      }),
    )
    const { rows } = await sql<{ transaction_id: string | null; status: string }>`
      select transaction_id, status from remote_starts where station_id = 'RC-1'`.execute(h.db)
    assert.deepEqual(rows, [{ transaction_id: 'remote-1', status: 'Accepted' }])

    const stopped = await callRpc(h.nc, stopTransactionRpc, { id: 'remote-1', stationId: 'RC-1' })
    assert.deepEqual([stopped.status, stopped.transactionId], ['Accepted', 'remote-1'])
    assert.deepEqual(rc.calls.at(-1), {
      action: 'RequestStopTransaction',
      payload: { transactionId: 'remote-1' },
    })
    await h.ok(
      'v201',
      'TransactionEvent',
      'RC-1',
      aTransactionEvent({
        transactionId: 'remote-1',
        seqNo: 1,
        eventType: 'Ended',
        triggerReason: 'RemoteStop',
        stoppedReason: 'Remote',
      }),
    )
    const { transaction } = await callRpc(h.nc, getTransactionRpc, { id: 'remote-1' })
    assert.deepEqual(
      [
        transaction?.remoteStartId,
        transaction?.state,
        transaction?.stoppedReason,
        transaction?.triggerReason,
      ],
      [started.remoteStartId, 'ended', 'Remote', 'RemoteStop'],
    )
    assert.ok(transaction?.remoteStopRequestedAt)
    await assert.rejects(
      callRpc(h.nc, stopTransactionRpc, { id: 'remote-1', stationId: 'RC-1' }),
      (e) => isAppError(e) && e.code === 'conflict',
    )
  })

  it('links a remote start sent through the operator command route even when the TransactionEvent wins the race', async () => {
    station('RC-2', {
      RequestStartTransaction: () => ({ status: 'Accepted', transactionId: 'cable-first-1' }),
    })
    // Cable plugged in first (F01): the session runs before the remote start; its Updated names the id.
    await h.ok(
      'v201',
      'TransactionEvent',
      'RC-2',
      aTransactionEvent({
        transactionId: 'cable-first-1',
        seqNo: 0,
        eventType: 'Started',
        triggerReason: 'CablePluggedIn',
      }),
    )
    await h.ok(
      'v201',
      'TransactionEvent',
      'RC-2',
      aTransactionEvent({
        transactionId: 'cable-first-1',
        seqNo: 1,
        triggerReason: 'RemoteStart',
        remoteStartId: 4242,
      }),
    )
    const reply = await command('RC-2', 'RequestStartTransaction', {
      remoteStartId: 4242,
      idToken: { idToken: 'OP', type: 'Central' },
    })
    assert.deepEqual(reply, { ok: true, payload: { status: 'Accepted', transactionId: 'cable-first-1' } })
    const { rows } = await sql<{ transaction_id: string | null; remote_start_id: number }>`
      select transaction_id, remote_start_id from remote_starts where station_id = 'RC-2'`.execute(h.db)
    assert.deepEqual(rows, [{ transaction_id: 'cable-first-1', remote_start_id: 4242 }])
  })

  it('starts and stops a 1.6 station remotely and links its StartTransaction', async () => {
    const rc = station('RC-16', {
      RemoteStartTransaction: () => ({ status: 'Accepted' }),
      RemoteStopTransaction: () => ({ status: 'Accepted' }),
    })
    const started = await callRpc(h.nc, startTransactionRpc, {
      stationId: 'RC-16',
      evseId: 1,
      idToken: { idToken: 'TAG-R', type: 'Central' },
    })
    assert.deepEqual([started.status, started.remoteStartId], ['Accepted', null])
    assert.deepEqual(rc.calls[0], {
      action: 'RemoteStartTransaction',
      payload: { idTag: 'TAG-R', connectorId: 1 },
    })
    const { transactionId } = await h.ok<{ transactionId: number }>('v16', 'StartTransaction', 'RC-16', {
      connectorId: 1,
      idTag: 'TAG-R',
      meterStart: 100,
      timestamp: minute(0),
    })
    const { rows } = await sql<{ transaction_id: string | null }>`
      select transaction_id from remote_starts where station_id = 'RC-16'`.execute(h.db)
    assert.deepEqual(rows, [{ transaction_id: String(transactionId) }])
    await callRpc(h.nc, stopTransactionRpc, { id: String(transactionId), stationId: 'RC-16' })
    assert.deepEqual(rc.calls.at(-1), { action: 'RemoteStopTransaction', payload: { transactionId } })
  })

  it('refuses a remote start to a station that is not connected', async () => {
    await assert.rejects(
      callRpc(h.nc, startTransactionRpc, { stationId: 'NOBODY', idToken: { idToken: 'X', type: 'Central' } }),
      (e) => isAppError(e) && e.code === 'station_offline',
    )
  })

  it('relays GetTransactionStatus and returns what the station answered (E14)', async () => {
    const s = station('RC-3', {
      GetTransactionStatus: () => ({ ongoingIndicator: true, messagesInQueue: false }),
    })
    const reply = await command('RC-3', 'GetTransactionStatus', { transactionId: 'remote-1' })
    assert.deepEqual(reply, { ok: true, payload: { ongoingIndicator: true, messagesInQueue: false } })
    assert.deepEqual(s.calls, [{ action: 'GetTransactionStatus', payload: { transactionId: 'remote-1' } }])
  })

  it('keeps reservations: accepted, expired by time, removed, cancelled and used', async () => {
    station('RS-1', {
      ReserveNow: (p) => ({ status: p.id === 5 ? 'Occupied' : 'Accepted' }),
      CancelReservation: () => ({ status: 'Accepted' }),
    })
    const reserve = (id: number, expiresInMs: number) =>
      command('RS-1', 'ReserveNow', {
        id,
        expiryDateTime: new Date(Date.now() + expiresInMs).toISOString(),
        idToken: { idToken: 'RESERVER', type: 'ISO14443' },
        evseId: 1,
      })
    const statusOf = async (id: number) =>
      (await callRpc(h.nc, listReservationsRpc, { stationId: 'RS-1' })).reservations.find(
        (r) => r.reservationId === id,
      )?.status
    for (const id of [1, 2, 3, 4, 5]) await reserve(id, id === 1 ? 1_000 : 3_600_000)
    assert.equal(await statusOf(2), 'active')
    assert.equal(await statusOf(5), 'rejected')
    // 1 expires by time, even though the station never says so.
    await waitFor(async () => (await statusOf(1)) === 'expired', {
      timeoutMs: 10_000,
      description: 'reservation 1 expired',
    })
    // 2 is removed by the station (H04), 3 cancelled by the operator (H02), 4 used by a session (H03).
    await h.ok('v201', 'ReservationStatusUpdate', 'RS-1', {
      reservationId: 2,
      reservationUpdateStatus: 'Removed',
    })
    await command('RS-1', 'CancelReservation', { reservationId: 3 })
    await h.ok(
      'v201',
      'TransactionEvent',
      'RS-1',
      aTransactionEvent({ transactionId: 'reserved-1', seqNo: 0, eventType: 'Started', reservationId: 4 }),
    )
    const all = (await callRpc(h.nc, listReservationsRpc, { stationId: 'RS-1' })).reservations
    assert.deepEqual(
      all.map((r) => [r.reservationId, r.status, r.transactionId]),
      [
        [1, 'expired', null],
        [2, 'removed', null],
        [3, 'cancelled', null],
        [4, 'used', 'reserved-1'],
        [5, 'rejected', null],
      ],
    )
    // An expired reservation stays expired when the station reports it late.
    await h.ok('v201', 'ReservationStatusUpdate', 'RS-1', {
      reservationId: 1,
      reservationUpdateStatus: 'Expired',
    })
    assert.equal(await statusOf(1), 'expired')
    assert.equal((await factCounts(h.nc, 'RS-1')).reservation, 3)
  })
})
