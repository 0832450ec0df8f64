import { preferTariff, sessionCost, type Tariff } from './cost.js'
import { applyPoints, type EnergyState, NO_ENERGY, registerPoints } from './energy.js'
import { earlierOf, laterOf, type Reading } from './readings.js'
import { addSeq, hasSeq, type SeqRanges } from './seq-ranges.js'

// A transaction is a fold of its events, written so that the order they arrive in does not
// matter: every field is "first by seqNo", "last by seqNo", a union or a sum of new readings.
// Late, doubled and reordered events (a retry, an offline queue replayed) therefore give the
// same session as the ideal stream, and an Ended that overtakes its Started is kept and filled
// in when the Started comes. 1.6 has no seqNo: its events are ordered by timestamp instead.

export const EVENT_TYPES = ['Started', 'Updated', 'Ended'] as const
export type EventType = (typeof EVENT_TYPES)[number]
export type TxState = 'active' | 'ended'
export type IdTokenRef = { idToken: string; type: string }

export type TxEventInput = {
  eventType: EventType
  /** null for OCPP 1.6, which has none. */
  seqNo: number | null
  at: string
  triggerReason: string | null
  offline: boolean
  evseId: number | null
  connectorId: number | null
  idToken: IdTokenRef | null
  /** What authorization answered for `idToken`. */
  idTokenStatus: string | null
  groupIdToken: string | null
  chargingState: string | null
  stoppedReason: string | null
  remoteStartId: number | null
  reservationId: number | null
  timeSpentCharging: number | null
  readings: Reading[]
  tariff: Tariff | null
}

/** A value with the order key (seqNo, or time for 1.6) of the event that set it. */
type Keyed<T> = { value: T; key: number } | null

export type TxDoc = {
  startedAt: string | null
  endedAt: string | null
  firstEventAt: string
  lastEventAt: string
  startedSeen: boolean
  endedSeen: boolean
  seqs: SeqRanges
  evse: Keyed<{ evseId: number; connectorId: number | null }>
  idToken: Keyed<IdTokenRef & { status: string | null; groupIdToken: string | null }>
  stopIdToken: Keyed<IdTokenRef>
  chargingState: Keyed<string>
  triggerReason: Keyed<string>
  timeSpentCharging: Keyed<number>
  stoppedReason: string | null
  remoteStartId: number | null
  reservationId: number | null
  offline: boolean
  energy: EnergyState
  tariff: Tariff | null
  totalCost: number | null
}

export type ApplyOutcome = {
  doc: TxDoc
  /** Already applied (same seqNo, or a 1.6 start/stop seen before): nothing changed. */
  duplicate: boolean
  /** A reading older than the newest: the energy must be rebuilt from every stored reading. */
  needsEnergyRebuild: boolean
}

const STOPPING_TRIGGERS = new Set(['StopAuthorized', 'Deauthorized'])

export function stateOf(doc: TxDoc): TxState {
  return doc.endedSeen ? 'ended' : 'active'
}

function orderKey(e: TxEventInput): number {
  return e.seqNo ?? Date.parse(e.at)
}

/** Keeps the value set by the lowest (`first`) or highest (`last`) order key. */
function pick<T>(current: Keyed<T>, value: T | null, key: number, which: 'first' | 'last'): Keyed<T> {
  if (value === null) return current
  if (current === null) return { value, key }
  const better = which === 'first' ? key < current.key : key >= current.key
  return better ? { value, key } : current
}

function emptyDoc(at: string): TxDoc {
  return {
    startedAt: null,
    endedAt: null,
    firstEventAt: at,
    lastEventAt: at,
    startedSeen: false,
    endedSeen: false,
    seqs: [],
    evse: null,
    idToken: null,
    stopIdToken: null,
    chargingState: null,
    triggerReason: null,
    timeSpentCharging: null,
    stoppedReason: null,
    remoteStartId: null,
    reservationId: null,
    offline: false,
    energy: NO_ENERGY,
    tariff: null,
    totalCost: null,
  }
}

export function applyEvent(current: TxDoc | null, e: TxEventInput): ApplyOutcome {
  const doc = current ?? emptyDoc(e.at)
  if (e.seqNo !== null && hasSeq(doc.seqs, e.seqNo))
    return { doc, duplicate: true, needsEnergyRebuild: false }
  // 1.6 start and stop come once each; a second one is the station retrying.
  if (e.seqNo === null && e.eventType === 'Started' && doc.startedSeen) {
    return { doc, duplicate: true, needsEnergyRebuild: false }
  }
  if (e.seqNo === null && e.eventType === 'Ended' && doc.endedSeen) {
    return { doc, duplicate: true, needsEnergyRebuild: false }
  }
  const key = orderKey(e)
  const stopping =
    e.eventType === 'Ended' || (e.triggerReason !== null && STOPPING_TRIGGERS.has(e.triggerReason))
  const token = e.idToken && { ...e.idToken, status: e.idTokenStatus, groupIdToken: e.groupIdToken }
  const energy = applyPoints(doc.energy, registerPoints(e.readings))
  const next: TxDoc = {
    ...doc,
    firstEventAt: earlierOf(doc.firstEventAt, e.at),
    lastEventAt: laterOf(doc.lastEventAt, e.at),
    startedAt: e.eventType === 'Started' ? earliest(doc.startedAt, e.at) : doc.startedAt,
    startedSeen: doc.startedSeen || e.eventType === 'Started',
    endedAt: e.eventType === 'Ended' ? earliest(doc.endedAt, e.at) : doc.endedAt,
    endedSeen: doc.endedSeen || e.eventType === 'Ended',
    seqs: e.seqNo === null ? doc.seqs : addSeq(doc.seqs, e.seqNo),
    evse: pick(
      doc.evse,
      e.evseId === null ? null : { evseId: e.evseId, connectorId: e.connectorId },
      key,
      'first',
    ),
    idToken: stopping && doc.idToken !== null ? doc.idToken : pick(doc.idToken, token, key, 'first'),
    stopIdToken: stopping ? pick(doc.stopIdToken, e.idToken, key, 'last') : doc.stopIdToken,
    chargingState: pick(doc.chargingState, e.chargingState, key, 'last'),
    triggerReason: pick(doc.triggerReason, e.triggerReason, key, 'last'),
    timeSpentCharging: pick(doc.timeSpentCharging, e.timeSpentCharging, key, 'last'),
    stoppedReason: e.stoppedReason ?? doc.stoppedReason,
    remoteStartId: doc.remoteStartId ?? e.remoteStartId,
    reservationId: doc.reservationId ?? e.reservationId,
    offline: doc.offline || e.offline,
    energy: energy.state,
    tariff: preferTariff(doc.tariff, e.tariff),
  }
  return { doc: withCost(next), duplicate: false, needsEnergyRebuild: energy.needsRebuild }
}

/** After the energy was rebuilt from stored readings. */
export function withEnergy(doc: TxDoc, energy: EnergyState): TxDoc {
  return withCost({ ...doc, energy })
}

/** Cost so far (until the last event) or final (until the end), when a tariff applies. */
export function withCost(doc: TxDoc): TxDoc {
  if (doc.tariff === null) return { ...doc, totalCost: null }
  const from = doc.startedAt ?? doc.firstEventAt
  const until = doc.endedAt ?? doc.lastEventAt
  return { ...doc, totalCost: sessionCost(doc.tariff, doc.energy.importedWh, from, until) }
}

/** Both ends were seen and no seqNo between them is missing (one contiguous range; 1.6 has none). */
export function isComplete(doc: TxDoc): boolean {
  return doc.startedSeen && doc.endedSeen && doc.seqs.length <= 1
}

function earliest(a: string | null, b: string): string {
  return a === null ? b : earlierOf(a, b)
}
