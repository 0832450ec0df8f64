import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { callRpc, getTransactionRpc } from '@csms/bus'
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

describe('a restart of the service in the middle of a stream', () => {
  let h: Harness

  before(async () => {
    h = await startHarness({ CSMS_TX_BATCH_MAX: '50' })
  })
  after(async () => {
    await h?.stop()
  })

  it('loses no event and doubles none while stations retry as they do', async () => {
    let answered = 0
    let retries = 0
    const total = STATIONS * EVENTS
    let restarted: Promise<void> | null = null

    // A station: one CALL at a time, resent until answered (and once more every seventh
    // message, as if the answer had been lost on the way back).
    const runStation = async (i: number) => {
      const stationId = `RS-${i}`
      for (const [seqNo, event] of session(i).entries()) {
        for (let attempt = 0; ; attempt++) {
          const reply = await h.call('v201', 'TransactionEvent', stationId, event, 2_000).catch(() => null)
          if (reply?.ok) break
          retries++
          await sleep(Math.min(500, 50 * 2 ** attempt))
        }
        answered++
        if (seqNo % 7 === 3)
          await h.call('v201', 'TransactionEvent', stationId, event, 2_000).catch(() => null)
        if (restarted === null && answered >= total / 3) restarted = h.restartService()
      }
    }
    await Promise.all(Array.from({ length: STATIONS }, (_, i) => runStation(i)))
    assert.ok(restarted, 'the service was restarted mid-stream')
    await restarted

    for (let i = 0; i < STATIONS; i++) {
      const { transaction: tx } = await callRpc(h.nc, getTransactionRpc, {
        id: `restart-${i}`,
        stationId: `RS-${i}`,
      })
      assert.ok(tx, `session ${i} stored`)
      assert.equal(tx.complete, true, `session ${i} complete`)
      assert.equal(tx.seqNoMax, EVENTS - 1)
      assert.equal(tx.meterValues.length, EVENTS * 10, `session ${i}: every reading once`)
      assert.equal(tx.energyWh, (EVENTS - 1) * STEP_WH)
      assert.deepEqual(await factCounts(h.nc, `RS-${i}`), { started: 1, updated: EVENTS - 2, ended: 1 })
    }
    // The restart did cost some answers: stations had to resend.
    assert.ok(retries > 0, 'some messages were resent across the restart')
  })
})
