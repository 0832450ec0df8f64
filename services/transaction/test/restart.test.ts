import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { callRpc, getTransactionRpc, type ServiceRuntime } from '@csms/bus'
import { METRIC } from '@csms/telemetry'
import { aTransactionEvent, tenSampledValues } from './support/builders.js'
import { factCounts } from './support/facts.js'
import { type Harness, startHarness } from './support/harness.js'

const STATIONS = 12
const EVENTS = 40
const STEP_WH = 100

/** A session of EVENTS messages, ten sampled values each, the register +100 Wh per message. */
function session(stationIndex: number) {
  const transactionId = `restart-${stationIndex}`
  return Array.from({ length: EVENTS }, (_, seqNo) =>
    aTransactionEvent({
      transactionId,
      seqNo,
      eventType: seqNo === 0 ? 'Started' : seqNo === EVENTS - 1 ? 'Ended' : 'Updated',
      timestamp: new Date(Date.UTC(2026, 10, 26, 12, 0, seqNo * 10)).toISOString(),
      sampledValues: tenSampledValues(2_000_000 + seqNo * STEP_WH),
    }),
  )
}

/**
 * Twelve stations send their sessions while `disrupt` runs once a third of the messages were
 * answered. A station sends one CALL at a time, resends it until answered (and once more every
 * seventh message, as if the answer had been lost on the way back). Then every session must be
 * complete with every reading once and every fact once. Returns how many CALLs were resent
 * because they got no answer.
 */
async function streamThrough(h: Harness, prefix: string, disrupt: () => Promise<void>) {
  let answered = 0
  let retries = 0
  const total = STATIONS * EVENTS
  let disrupted: Promise<void> | null = null

  const runStation = async (i: number) => {
    const stationId = `${prefix}-${i}`
    for (const [seqNo, event] of session(i).entries()) {
      for (let attempt = 0; ; attempt++) {
        const reply = await h.call('v201', 'TransactionEvent', stationId, event, 2_000).catch(() => null)
        if (reply?.ok) break
        retries++
        await sleep(Math.min(500, 50 * 2 ** attempt))
      }
      answered++
      if (seqNo % 7 === 3) await h.call('v201', 'TransactionEvent', stationId, event, 2_000).catch(() => null)
      if (disrupted === null && answered >= total / 3) disrupted = disrupt()
    }
  }
  await Promise.all(Array.from({ length: STATIONS }, (_, i) => runStation(i)))
  assert.ok(disrupted, 'the disruption happened mid-stream')
  await disrupted

  for (let i = 0; i < STATIONS; i++) {
    const { transaction: tx } = await callRpc(h.nc, getTransactionRpc, {
      id: `restart-${i}`,
      stationId: `${prefix}-${i}`,
    })
    assert.ok(tx, `session ${i} stored`)
    assert.equal(tx.complete, true, `session ${i} complete`)
    assert.equal(tx.seqNoMax, EVENTS - 1)
    assert.equal(tx.meterValues.length, EVENTS * 10, `session ${i}: every reading once`)
    assert.equal(tx.energyWh, (EVENTS - 1) * STEP_WH)
    assert.deepEqual(await factCounts(h.nc, `${prefix}-${i}`), { started: 1, updated: EVENTS - 2, ended: 1 })
  }
  return { retries }
}

/** TransactionEvents a replica answered, from its own metrics registry. */
async function answeredTransactionEvents(replica: ServiceRuntime): Promise<number> {
  const text = await replica.metrics.registry.metrics()
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${METRIC.handlerDuration}_count{`) &&
        l.includes('action="TransactionEvent"') &&
        l.includes('outcome="ok"'),
    )
  return Number(line?.split(' ').at(-1) ?? 0)
}

describe('a restart of the service in the middle of a stream', () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ CSMS_TX_BATCH_MAX: '50' })
  })
  after(async () => {
    await h?.stop()
  })

  it('loses no event and doubles none while stations retry as they do', async () => {
    const { retries } = await streamThrough(h, 'RS', () => h.restartService())
    // The restart did cost some answers: stations had to resend.
    assert.ok(retries > 0, 'some messages were resent across the restart')
  })
})

describe('two replicas in one queue group (a deployment scaled out)', () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ CSMS_TX_BATCH_MAX: '50' }, { replicas: 2 })
  })
  after(async () => {
    await h?.stop()
  })

  it('events and resends spread over both replicas are applied once, across a restart of one', async () => {
    // Resends are not asserted: the other replica answers while one restarts.
    await streamThrough(h, 'RP', () => h.restartService())
    // The queue group did spread them: each replica (the restarted one since its restart) answered.
    for (const [i, replica] of h.replicas.entries())
      assert.ok((await answeredTransactionEvents(replica)) > 0, `replica ${i} answered TransactionEvents`)
  })
})

describe('PostgreSQL and NATS restarting in the middle of a stream (private servers)', () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ CSMS_TX_BATCH_MAX: '50' }, { restartable: true })
  })
  after(async () => {
    await h?.stop()
  })

  it('PostgreSQL restarts: flushes fail, stations resend, nothing lost or doubled', async () => {
    const { retries } = await streamThrough(h, 'PG', () => h.restartPostgres())
    assert.ok(retries > 0, 'some messages were resent across the restart')
  })

  it('NATS restarts: the service reconnects, JetStream keeps the facts and drops the resent ones', async () => {
    const { retries } = await streamThrough(h, 'NATS', () => h.restartNats())
    assert.ok(retries > 0, 'some messages were resent across the restart')
  })
})
