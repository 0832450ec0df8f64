import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rebuildEnergy, registerPoints } from './energy.js'
import { readingsFromV2 } from './readings.js'
import {
  applyEvent,
  isComplete,
  stateOf,
  type TxDoc,
  type TxEventInput,
  withEnergy,
} from './transaction-state.js'

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString()

function anEvent(over: Partial<TxEventInput> & { registerWh?: number } = {}): TxEventInput {
  const { registerWh, ...rest } = over
  const base: TxEventInput = {
    eventType: 'Updated',
    seqNo: 1,
    at: at(1),
    triggerReason: 'MeterValuePeriodic',
    offline: false,
    evseId: null,
    connectorId: null,
    idToken: null,
    idTokenStatus: null,
    groupIdToken: null,
    chargingState: null,
    stoppedReason: null,
    remoteStartId: null,
    reservationId: null,
    timeSpentCharging: null,
    readings: [],
    tariff: null,
  }
  const event = { ...base, ...rest }
  if (registerWh !== undefined) {
    event.readings = readingsFromV2([{ timestamp: event.at, sampledValue: [{ value: registerWh }] }])
  }
  return event
}

/** A whole session as a station sends it when nothing goes wrong. */
function aSession(): TxEventInput[] {
  return [
    anEvent({
      eventType: 'Started',
      seqNo: 0,
      at: at(0),
      triggerReason: 'Authorized',
      evseId: 1,
      connectorId: 1,
      idToken: { idToken: 'AABBCCDD', type: 'ISO14443' },
      idTokenStatus: 'Accepted',
      chargingState: 'EVConnected',
      registerWh: 10_000,
      remoteStartId: 7,
    }),
    anEvent({
      seqNo: 1,
      at: at(5),
      triggerReason: 'ChargingStateChanged',
      chargingState: 'Charging',
      registerWh: 11_000,
    }),
    anEvent({ seqNo: 2, at: at(10), registerWh: 12_500 }),
    anEvent({ seqNo: 3, at: at(15), registerWh: 14_000 }),
    anEvent({
      eventType: 'Ended',
      seqNo: 4,
      at: at(20),
      triggerReason: 'StopAuthorized',
      idToken: { idToken: 'AABBCCDD', type: 'ISO14443' },
      chargingState: 'Idle',
      stoppedReason: 'Local',
      registerWh: 15_000,
    }),
  ]
}

/** Folds events the way the writer does, rebuilding energy from every reading when told to. */
function fold(events: readonly TxEventInput[]): { doc: TxDoc; duplicates: number } {
  let doc: TxDoc | null = null
  let duplicates = 0
  const stored: TxEventInput[] = []
  for (const e of events) {
    const outcome = applyEvent(doc, e)
    if (outcome.duplicate) duplicates++
    else stored.push(e)
    doc = outcome.doc
    if (outcome.needsEnergyRebuild)
      doc = withEnergy(doc, rebuildEnergy(stored.flatMap((s) => registerPoints(s.readings))))
  }
  return { doc: doc as TxDoc, duplicates }
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

describe('transaction state', () => {
  it('folds a clean session: energy from the register difference, complete, ended', () => {
    const { doc } = fold(aSession())
    assert.equal(stateOf(doc), 'ended')
    assert.equal(doc.energy.importedWh, 5000)
    assert.equal(doc.startedAt, at(0))
    assert.equal(doc.endedAt, at(20))
    assert.equal(doc.chargingState?.value, 'Idle')
    assert.equal(doc.idToken?.value.status, 'Accepted')
    assert.equal(doc.evse?.value.evseId, 1)
    assert.equal(doc.remoteStartId, 7)
    assert.equal(isComplete(doc), true)
  })

  it('applies a retried event once', () => {
    const events = aSession()
    const { doc, duplicates } = fold([...events, events[2] as TxEventInput, events[4] as TxEventInput])
    assert.equal(duplicates, 2)
    assert.deepEqual(doc, fold(events).doc)
  })

  it('gives the same session whatever order the events arrive in, doubles included', () => {
    const events = aSession()
    const ideal = fold(events).doc
    for (let seed = 1; seed <= 200; seed++) {
      const stream = shuffle([...events, ...events.slice(0, seed % 5)], seed)
      assert.deepEqual(fold(stream).doc, ideal, `order ${stream.map((e) => e.seqNo).join(',')}`)
    }
  })

  it('keeps an Ended that came before its Started, and completes it when the Started arrives', () => {
    const events = aSession()
    const ended = events[4] as TxEventInput
    const early = applyEvent(null, ended).doc
    assert.equal(stateOf(early), 'ended')
    assert.equal(early.startedSeen, false)
    assert.equal(isComplete(early), false)
    const { doc } = fold([ended, ...events.slice(0, 4)])
    assert.deepEqual(doc, fold(events).doc)
  })

  it('reports the seqNos still missing', () => {
    const events = aSession()
    const { doc } = fold([events[0], events[1], events[4]] as TxEventInput[])
    assert.equal(isComplete(doc), false)
    assert.deepEqual(doc.seqs, [
      [0, 1],
      [4, 4],
    ])
  })

  it('keeps the first idToken as the session token and the stopping one apart', () => {
    const events = aSession()
    const stop = { ...(events[4] as TxEventInput), idToken: { idToken: 'MASTER', type: 'Central' } }
    const { doc } = fold([...events.slice(0, 4), stop])
    assert.equal(doc.idToken?.value.idToken, 'AABBCCDD')
    assert.equal(doc.stopIdToken?.value.idToken, 'MASTER')
  })

  it('treats a second 1.6 start or stop (no seqNo) as a retry', () => {
    const start = anEvent({ eventType: 'Started', seqNo: null, at: at(0), registerWh: 500 })
    const stop = anEvent({ eventType: 'Ended', seqNo: null, at: at(9), registerWh: 900 })
    const { doc, duplicates } = fold([start, start, stop, stop])
    assert.equal(duplicates, 2)
    assert.equal(doc.energy.importedWh, 400)
  })

  it('computes the cost from the tariff chosen, final at the end', () => {
    const tariff = {
      id: 'x',
      scope: 'default',
      scopeKey: '',
      currency: 'EUR',
      pricePerKwh: 0.4,
      pricePerMinute: 0.1,
    } as const
    const events = aSession().map((e) => (e.eventType === 'Started' ? { ...e, tariff } : e))
    const { doc } = fold(events)
    // 5 kWh × 0.40 + 20 min × 0.10
    assert.equal(doc.totalCost, 4)
    assert.equal(doc.tariff?.id, 'x')
  })
})
