import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  authorizeIdTokenRpc,
  callRpc,
  getTransactionRpc,
  listTransactionsRpc,
  serveRpc,
  type TransactionDetail,
  upsertTariffRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { sql } from 'kysely'
import { createIdTokenAuthorizer } from '../src/auth/id-token-authorizer.js'
import { aRegister, aSession, aTransactionEvent, minute, tenSampledValues } from './support/builders.js'
import { factCounts } from './support/facts.js'
import { fakeStation, type Harness, startHarness } from './support/harness.js'

describe('transaction events over real NATS and PostgreSQL', () => {
  let h: Harness

  before(async () => {
    h = await startHarness({ CSMS_TX_COST_UPDATE_INTERVAL_S: '1' })
  })
  after(async () => {
    await h?.stop()
  })

  const get = async (transactionId: string, stationId?: string): Promise<TransactionDetail> => {
    const { transaction } = await callRpc(h.nc, getTransactionRpc, {
      id: transactionId,
      ...(stationId === undefined ? {} : { stationId }),
    })
    assert.ok(transaction, `transaction ${transactionId} stored`)
    return transaction
  }
  const send = (stationId: string, events: readonly Record<string, unknown>[]) =>
    Promise.all(events.map((e) => h.ok('v201', 'TransactionEvent', stationId, e)))
  const sendInOrder = async (stationId: string, events: readonly Record<string, unknown>[]) => {
    for (const e of events) await h.ok('v201', 'TransactionEvent', stationId, e)
  }

  it('applies a TransactionEvent that a station retries exactly once', async () => {
    const { events, energyWh } = aSession('dup-1')
    await sendInOrder('TE-1', events)
    // Retries: the station got no answer and resends, also concurrently with itself.
    await send('TE-1', [events[1], events[1], events[2], events[4]] as Record<string, unknown>[])
    const tx = await get('dup-1')
    assert.equal(tx.energyWh, energyWh)
    assert.equal(tx.meterValues.length, events.length)
    assert.equal(tx.state, 'ended')
    assert.equal(tx.complete, true)
    assert.deepEqual(await factCounts(h.nc, 'TE-1'), { started: 1, updated: 3, ended: 1 })
  })

  it('gives the same session when the events arrive out of order', async () => {
    const { events, energyWh } = aSession('reorder-1', { updates: 6 })
    const order = [0, 3, 7, 1, 5, 2, 6, 4]
    const seen: boolean[] = []
    for (const i of order) {
      await h.ok('v201', 'TransactionEvent', 'TE-2', events[i])
      seen[i] = true
      if (i === 7) {
        const partial = await get('reorder-1')
        assert.equal(partial.state, 'ended')
        assert.equal(partial.complete, false)
        assert.deepEqual(partial.seqNoGaps, [1, 2, 4, 5, 6])
      }
    }
    const tx = await get('reorder-1')
    assert.equal(tx.energyWh, energyWh)
    assert.equal(tx.complete, true)
    assert.deepEqual(tx.seqNoGaps, [])
    assert.equal(tx.meterStartWh, 1_000_000)
    assert.equal(tx.meterStopWh, 1_000_000 + energyWh)
    assert.equal(tx.chargingState, 'Idle')
  })

  it('applies an offline queue replayed with offline: true once, even replayed twice', async () => {
    const { events, energyWh } = aSession('offline-1', { updates: 4, offline: true })
    await sendInOrder('TE-3', events)
    await sendInOrder('TE-3', events)
    const tx = await get('offline-1')
    assert.equal(tx.offline, true)
    assert.equal(tx.energyWh, energyWh)
    assert.equal(tx.meterValues.length, events.length)
    assert.equal(tx.startedAt, minute(0))
    assert.equal(tx.endedAt, minute(5))
    assert.deepEqual(await factCounts(h.nc, 'TE-3'), { started: 1, updated: 4, ended: 1 })
  })

  it('keeps an Ended that arrives before its Started and reconciles it when the rest arrives', async () => {
    const { events, energyWh } = aSession('late-start-1', { updates: 2 })
    const ended = events.at(-1) as Record<string, unknown>
    await h.ok('v201', 'TransactionEvent', 'TE-4', ended)
    const early = await get('late-start-1')
    assert.equal(early.state, 'ended')
    assert.equal(early.startedAt, null)
    assert.equal(early.complete, false)
    await sendInOrder('TE-4', events.slice(0, -1))
    const tx = await get('late-start-1')
    assert.equal(tx.state, 'ended')
    assert.equal(tx.startedAt, minute(0))
    assert.equal(tx.evseId, 1)
    assert.equal(tx.energyWh, energyWh)
    assert.equal(tx.complete, true)
  })

  it('computes energy with units and multipliers applied, and does not bill a register reset', async () => {
    const tx = 'units-1'
    await sendInOrder('TE-5', [
      aTransactionEvent({
        transactionId: tx,
        seqNo: 0,
        eventType: 'Started',
        sampledValues: [aRegister(12.345, 'kWh')],
      }),
      // 1234.6 Wh × 10^1 = 12 346 Wh
      aTransactionEvent({ transactionId: tx, seqNo: 1, sampledValues: [aRegister(1234.6, 'Wh', 1)] }),
      // 1.24 kWh × 10^1 = 12.4 kWh
      aTransactionEvent({ transactionId: tx, seqNo: 2, sampledValues: [aRegister(1.24, 'kWh', 1)] }),
      // 124 500 Wh × 10^-1 = 12 450 Wh
      aTransactionEvent({ transactionId: tx, seqNo: 3, sampledValues: [aRegister(124_500, 'Wh', -1)] }),
      // the meter was replaced: its register restarts near 0; the drop is not billed
      aTransactionEvent({ transactionId: tx, seqNo: 4, sampledValues: [aRegister(0.2, 'kWh')] }),
      aTransactionEvent({ transactionId: tx, seqNo: 5, eventType: 'Ended', sampledValues: [aRegister(250)] }),
    ])
    const stored = await get(tx)
    // (12 450 − 12 345) before the swap + (250 − 200) after it
    assert.equal(stored.energyWh, 155)
    assert.equal(stored.registerResets, 1)
    const units = stored.meterValues.map((m) => [m.unit, m.multiplier, m.normalized, m.normalizedUnit])
    assert.deepEqual(units[1], ['Wh', 1, 12_346, 'Wh'])
    assert.deepEqual(units[2], ['kWh', 1, 12_400, 'Wh'])
  })

  it('stores every measurand, phase and location of a message', async () => {
    await h.ok(
      'v201',
      'TransactionEvent',
      'TE-6',
      aTransactionEvent({
        transactionId: 'tenvals-1',
        seqNo: 0,
        eventType: 'Started',
        sampledValues: tenSampledValues(5000),
      }),
    )
    const tx = await get('tenvals-1')
    assert.equal(tx.meterValues.length, 10)
    assert.ok(tx.meterValues.some((m) => m.measurand === 'Voltage' && m.phase === 'L2-N' && m.value === 230))
    assert.ok(tx.meterValues.some((m) => m.measurand === 'SoC' && m.location === 'EV'))
    assert.ok(tx.meterValues.some((m) => m.measurand === 'Power.Offered' && m.normalized === 11_000))
  })

  it('answers idTokenInfo from the auth service, and the configured fallback when none answers', async () => {
    const idToken = { idToken: 'AABBCCDD', type: 'ISO14443' }
    const noAuth = await h.ok(
      'v201',
      'TransactionEvent',
      'TE-7',
      aTransactionEvent({ transactionId: 'auth-1', seqNo: 0, eventType: 'Started', idToken }),
    )
    assert.deepEqual(noAuth, { idTokenInfo: { status: 'Invalid' } })
    const asked: unknown[] = []
    const auth = serveRpc(h.nc, authorizeIdTokenRpc, async (req) => {
      asked.push(req)
      // A group of a type only 2.1 knows: a 2.0.1 station gets the answer without it.
      const group =
        req.idToken === 'FLEETCARD'
          ? { idToken: 'FLEET-2', type: 'Fleet' }
          : { idToken: 'FLEET-1', type: 'Central' }
      return { status: 'Accepted' as const, groupIdToken: group }
    })
    try {
      const answered = await h.ok(
        'v201',
        'TransactionEvent',
        'TE-7',
        aTransactionEvent({ transactionId: 'auth-2', seqNo: 0, eventType: 'Started', idToken }),
      )
      assert.deepEqual(answered, {
        idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET-1', type: 'Central' } },
      })
      assert.deepEqual(asked, [{ idToken: 'AABBCCDD', type: 'ISO14443', stationId: 'TE-7', evseId: 1 }])
      // An event without an idToken gets no idTokenInfo.
      assert.deepEqual(
        await h.ok(
          'v201',
          'TransactionEvent',
          'TE-7',
          aTransactionEvent({ transactionId: 'auth-2', seqNo: 1 }),
        ),
        {},
      )
      assert.equal((await get('auth-2')).idTokenStatus, 'Accepted')
      const fleetCard = { idToken: 'FLEETCARD', type: 'ISO14443' }
      assert.deepEqual(
        await h.ok(
          'v201',
          'TransactionEvent',
          'TE-7',
          aTransactionEvent({ transactionId: 'auth-3', seqNo: 0, eventType: 'Started', idToken: fleetCard }),
        ),
        { idTokenInfo: { status: 'Accepted' } },
      )
    } finally {
      auth.unsubscribe()
    }
    const accepting = createIdTokenAuthorizer({
      nc: h.nc,
      policy: 'accept',
      timeoutMs: 1_000,
      logger: silentLogger,
    })
    assert.deepEqual(await accepting.authorize({ idToken: 'X', type: 'Central', stationId: 'TE-7' }), {
      info: { status: 'Accepted' },
      source: 'fallback',
    })
  })

  it('authorizes a session that started on cable plug-in when its token comes, and the token that stops it', async () => {
    const auth = serveRpc(h.nc, authorizeIdTokenRpc, async (req) => ({
      status: req.idToken === 'LOST-CARD' ? ('Blocked' as const) : ('Accepted' as const),
    }))
    try {
      const tx = 'cable-first-2'
      const plugged = await h.ok(
        'v201',
        'TransactionEvent',
        'TE-12',
        aTransactionEvent({
          transactionId: tx,
          seqNo: 0,
          eventType: 'Started',
          triggerReason: 'CablePluggedIn',
          chargingState: 'EVConnected',
        }),
      )
      assert.deepEqual(plugged, {})
      const authorized = await h.ok(
        'v201',
        'TransactionEvent',
        'TE-12',
        aTransactionEvent({
          transactionId: tx,
          seqNo: 1,
          triggerReason: 'Authorized',
          idToken: { idToken: 'DRIVER-1', type: 'ISO14443' },
        }),
      )
      assert.deepEqual(authorized, { idTokenInfo: { status: 'Accepted' } })
      await h.ok(
        'v201',
        'TransactionEvent',
        'TE-12',
        aTransactionEvent({
          transactionId: tx,
          seqNo: 2,
          triggerReason: 'ChargingStateChanged',
          chargingState: 'SuspendedEV',
        }),
      )
      const stopped = await h.ok(
        'v201',
        'TransactionEvent',
        'TE-12',
        aTransactionEvent({
          transactionId: tx,
          seqNo: 3,
          eventType: 'Ended',
          triggerReason: 'StopAuthorized',
          stoppedReason: 'Local',
          idToken: { idToken: 'LOST-CARD', type: 'ISO14443' },
        }),
      )
      assert.deepEqual(stopped, { idTokenInfo: { status: 'Blocked' } })
      const stored = await get(tx)
      assert.deepEqual(
        [
          stored.idToken?.idToken,
          stored.idTokenStatus,
          stored.stopIdToken?.idToken,
          stored.stoppedReason,
          stored.complete,
        ],
        ['DRIVER-1', 'Accepted', 'LOST-CARD', 'Local', true],
      )
    } finally {
      auth.unsubscribe()
    }
  })

  it('answers the final totalCost on Ended and pushes the running cost with CostUpdated', async () => {
    await callRpc(h.nc, upsertTariffRpc, {
      id: 'site-default',
      scope: 'default',
      scopeKey: '',
      currency: 'EUR',
      pricePerKwh: 0.5,
      pricePerMinute: 0.02,
    })
    const station = fakeStation(h.nc, 'TE-8', { CostUpdated: () => ({}) })
    try {
      const { events } = aSession('cost-1', { updates: 2 })
      const replies = []
      for (const e of events) replies.push(await h.ok('v201', 'TransactionEvent', 'TE-8', e))
      // 2.0.1: totalCost only when charging has ended. 3 kWh × 0.50 + 3 min × 0.02
      assert.deepEqual(replies.slice(0, -1), [{}, {}, {}])
      assert.deepEqual(replies.at(-1), { totalCost: 1.56 })
      const update = await waitFor(() => station.calls.find((c) => c.action === 'CostUpdated'), {
        timeoutMs: 10_000,
        description: 'CostUpdated sent to the station',
      })
      assert.equal(update.payload.transactionId, 'cost-1')
      assert.equal(typeof update.payload.totalCost, 'number')
      const tx = await get('cost-1')
      assert.deepEqual([tx.totalCost, tx.currency, tx.tariffId], [1.56, 'EUR', 'site-default'])
      // 2.1 answers the running cost on Updated too.
      const v21 = aSession('cost-21', { updates: 1 }).events
      assert.deepEqual(await h.ok('v21', 'TransactionEvent', 'TE-8', v21[0]), {})
      assert.deepEqual(await h.ok('v21', 'TransactionEvent', 'TE-8', v21[1]), { totalCost: 0.52 })
    } finally {
      station.stop()
    }
  })

  it('stores MeterValues outside a transaction once, even when retried', async () => {
    const payload = {
      evseId: 2,
      meterValue: [{ timestamp: minute(30), sampledValue: tenSampledValues(42_000) }],
    }
    await h.ok('v201', 'MeterValues', 'TE-9', payload)
    await h.ok('v201', 'MeterValues', 'TE-9', payload)
    const { rows } = await sql<{
      n: string
    }>`select sum(json_array_length(samples))::text as n from meter_values where station_id = 'TE-9'`.execute(
      h.db,
    )
    assert.equal(rows[0]?.n, '10')
    assert.deepEqual(await factCounts(h.nc, 'TE-9'), { meter: 1 })
  })

  it('maps 1.6 StartTransaction, MeterValues and StopTransaction onto the same session, each retry applied once', async () => {
    const auth = serveRpc(h.nc, authorizeIdTokenRpc, async (req) => ({
      status: req.idToken === 'BLOCKED' ? ('Blocked' as const) : ('Accepted' as const),
      groupIdToken: { idToken: 'PARENT-1', type: 'Central' },
    }))
    try {
      const start = { connectorId: 2, idTag: 'TAG16', meterStart: 5_000_000, timestamp: minute(200) }
      const first = await h.ok<{ transactionId: number; idTagInfo: unknown }>(
        'v16',
        'StartTransaction',
        'TE-16',
        start,
      )
      const retried = await h.ok<{ transactionId: number }>('v16', 'StartTransaction', 'TE-16', start)
      assert.equal(retried.transactionId, first.transactionId)
      assert.deepEqual(first.idTagInfo, { status: 'Accepted', parentIdTag: 'PARENT-1' })
      const meter = {
        connectorId: 2,
        transactionId: first.transactionId,
        meterValue: [{ timestamp: minute(210), sampledValue: [{ value: '5001.5', unit: 'kWh' }] }],
      }
      await h.ok('v16', 'MeterValues', 'TE-16', meter)
      await h.ok('v16', 'MeterValues', 'TE-16', meter)
      const stop = {
        transactionId: first.transactionId,
        idTag: 'TAG16',
        meterStop: 5_003_000,
        timestamp: minute(220),
        reason: 'EVDisconnected',
      }
      assert.deepEqual(await h.ok('v16', 'StopTransaction', 'TE-16', stop), {
        idTagInfo: { status: 'Accepted', parentIdTag: 'PARENT-1' },
      })
      await h.ok('v16', 'StopTransaction', 'TE-16', stop)
      const tx = await get(String(first.transactionId), 'TE-16')
      assert.deepEqual(
        [tx.protocol, tx.state, tx.evseId, tx.energyWh, tx.meterStartWh, tx.meterStopWh, tx.stoppedReason],
        ['ocpp1.6', 'ended', 2, 3000, 5_000_000, 5_003_000, 'EVDisconnected'],
      )
      assert.equal(tx.meterValues.length, 3)
      assert.deepEqual(await factCounts(h.nc, 'TE-16'), { started: 1, updated: 1, ended: 1, meter: 1 })
      const blocked = await h.ok<{ idTagInfo: { status: string } }>('v16', 'StartTransaction', 'TE-16', {
        ...start,
        idTag: 'BLOCKED',
        timestamp: minute(230),
      })
      assert.equal(blocked.idTagInfo.status, 'Blocked')
    } finally {
      auth.unsubscribe()
    }
  })

  it('rejects a TransactionEvent that breaks the schema at the service edge', async () => {
    const reply = await h.call('v201', 'TransactionEvent', 'TE-10', { eventType: 'Started', seqNo: 0 })
    assert.equal(reply.ok, false)
  })

  it('lists sessions by station and state, newest first, with cursor paging', async () => {
    for (let i = 0; i < 5; i++) {
      await h.ok(
        'v201',
        'TransactionEvent',
        'TE-11',
        aTransactionEvent({
          transactionId: `page-${i}`,
          seqNo: 0,
          eventType: 'Started',
          timestamp: minute(100 + i),
        }),
      )
    }
    await h.ok(
      'v201',
      'TransactionEvent',
      'TE-11',
      aTransactionEvent({ transactionId: 'page-4', seqNo: 1, eventType: 'Ended' }),
    )
    const first = await callRpc(h.nc, listTransactionsRpc, { stationId: 'TE-11', state: 'active', limit: 2 })
    assert.deepEqual(
      first.transactions.map((t) => t.transactionId),
      ['page-3', 'page-2'],
    )
    assert.ok(first.next)
    const second = await callRpc(h.nc, listTransactionsRpc, {
      stationId: 'TE-11',
      state: 'active',
      limit: 2,
      cursor: first.next,
    })
    assert.deepEqual(
      second.transactions.map((t) => t.transactionId),
      ['page-1', 'page-0'],
    )
    assert.equal(second.next, null)
    const ended = await callRpc(h.nc, listTransactionsRpc, { stationId: 'TE-11', state: 'ended', limit: 10 })
    assert.deepEqual(
      ended.transactions.map((t) => t.transactionId),
      ['page-4'],
    )
    const window = await callRpc(h.nc, listTransactionsRpc, {
      stationId: 'TE-11',
      from: minute(101),
      to: minute(103),
      limit: 10,
    })
    assert.deepEqual(
      window.transactions.map((t) => t.transactionId),
      ['page-2', 'page-1'],
    )
  })
})

const silentLogger = {
  warn: () => {},
  info: () => {},
  error: () => {},
  debug: () => {},
} as unknown as Parameters<typeof createIdTokenAuthorizer>[0]['logger']
