import { randomUUID } from 'node:crypto'
import type { v201 } from '@csms/ocpp'
import { evseLimitAt } from '../model/charging-profiles.js'
import { allowedPowerW, applyEnergy, drawEv } from '../model/ev.js'
import { idTokenOf } from '../model/id-tokens.js'
import type { CallOutcome } from '../net/ocpp-connection.js'
import { arrivalFactor, maxArrivalFactor } from './arrival-pattern.js'
import { chargingNeedsV21, chargingNeedsV201, meterValue, transactionEvent } from './messages-v2.js'
import { meterValue16 } from './messages-v16.js'
import type { Station } from './station.js'
import type { ChargingState, Evse, Session } from './station-types.js'

// EV sessions on a station: arrival, authorization, the transaction, meter values that follow
// the power actually allowed, and departure, for 2.x (TransactionEvent) and 1.6
// (StartTransaction / MeterValues / StopTransaction).

export type StopReason = v201.ReasonEnumType
export type StopTrigger = v201.TriggerReasonEnumType

export function startArrivals(st: Station): void {
  if (st.behaviour.arrivals.perEvsePerHour <= 0) return
  for (const evse of st.evses) if (!evse.arrivalTimer) scheduleArrival(st, evse)
}

export function stopArrivals(st: Station): void {
  for (const evse of st.evses) {
    clearTimeout(evse.arrivalTimer)
    evse.arrivalTimer = undefined
  }
}

function scheduleArrival(st: Station, evse: Evse): void {
  const a = st.behaviour.arrivals
  const max = maxArrivalFactor(a.pattern)
  const gap = st.random.exponential(3_600_000 / (a.perEvsePerHour * max))
  evse.arrivalTimer = setTimeout(() => {
    evse.arrivalTimer = undefined
    if (!st.isRunning) return
    const run = st.o.run
    const progress = run ? (Date.now() - run.startedAt) / run.durationMs : 0.5
    // Thinning: candidates come at the peak rate and are kept in proportion to the rate now.
    const accepted = st.random.next() < arrivalFactor(a.pattern, progress) / max
    if (accepted && canStartSession(evse) && st.bootStatus === 'Accepted') void plugIn(st, evse)
    scheduleArrival(st, evse)
  }, gap)
}

export function canStartSession(evse: Evse): boolean {
  return evse.session === undefined && evse.operative && evse.reservation === undefined
}

export type PlugInOptions = {
  idToken?: string
  connectorId?: number
  remoteStartId?: number
  /** How long the EV stays; drawn from the scenario when absent. */
  dwellMs?: number
  /** 1.6 remote start: the CSMS asked for it, authorization depends on AuthorizeRemoteTxRequests. */
  remote?: boolean
}

/** An EV arrives at an EVSE: status, authorization, transaction, charging, departure. */
export async function plugIn(st: Station, evse: Evse, o: PlugInOptions = {}): Promise<void> {
  if (evse.session) return
  const a = st.behaviour.arrivals
  const dwell = o.dwellMs ?? Math.round(st.random.between(a.dwell.min, a.dwell.max))
  const now = Date.now()
  const reading = evse.meter.read(now)
  const session: Session = {
    connectorId: o.connectorId ?? 1,
    ev: drawEv(
      st.random,
      {
        batteryKwh: [40, 100],
        arrivalSoc: [0.1, 0.6],
        targetSoc: [0.8, 1],
        bidirectionalShare: a.bidirectionalShare,
      },
      now,
      dwell,
    ),
    idToken: o.idToken ?? idTokenOf(a.idTokenPrefix, st.random.int(a.idTokens)),
    ...(o.remoteStartId === undefined ? {} : { remoteStartId: o.remoteStartId }),
    lastNetWh: reading.importWh - reading.exportWh,
    powerW: 0,
    limitW: undefined,
  }
  evse.session = session
  st.stats.count('sessions')
  session.departureTimer = setTimeout(() => void depart(st, evse, session), dwell)
  st.setConnectorState(evse, session.connectorId, 'occupied')
  if (!st.behaviour.features.transactions) return

  const remote = o.remote === true || o.remoteStartId !== undefined
  const authorizeRemote = st.deviceModel.find((d) => d.variable === 'AuthorizeRemoteStart')?.value === 'true'
  if (st.behaviour.features.authorize && (!remote || authorizeRemote) && st.isReady) {
    const outcome = await st.send(
      'Authorize',
      st.isV16 ? { idTag: session.idToken } : { idToken: { idToken: session.idToken, type: 'ISO14443' } },
    )
    if (evse.session !== session) return
    if (!outcome.ok) {
      st.stats.count('txFailedToStart')
      return
    }
    const answer = outcome.payload as { idTagInfo?: { status: string }; idTokenInfo?: { status: string } }
    if ((answer.idTagInfo ?? answer.idTokenInfo)?.status !== 'Accepted') {
      st.stats.count('authorizeRejected')
      st.stats.count('txFailedToStart')
      return
    }
  }
  startTransaction(st, evse, session, remote)
}

function startTransaction(st: Station, evse: Evse, s: Session, remote: boolean): void {
  const now = Date.now()
  const start = evse.meter.read(now)
  const tx: NonNullable<Session['tx']> = {
    id: randomUUID(),
    startedAt: now,
    seqNo: 0,
    chargingState: 'EVConnected',
    meterStartWh: start.importWh,
    failed: false,
    ended: false,
  }
  s.tx = tx
  recomputePower(st, evse, false)
  const onStarted = (o: CallOutcome) => {
    if (!o.ok) {
      if (o.kind !== 'closed') {
        tx.failed = true
        st.stats.count('txFailedToStart')
        recomputePower(st, evse, false)
      }
      return
    }
    if (st.isV16) {
      const answer = o.payload as { transactionId: number; idTagInfo: { status: string } }
      tx.csmsId = answer.transactionId
      if (answer.idTagInfo.status !== 'Accepted') {
        tx.failed = true
        st.stats.count('authorizeRejected')
        st.stats.count('txFailedToStart')
        recomputePower(st, evse, false)
        return
      }
    }
    st.stats.count('txStarted')
    if (!tx.ended) {
      confirmed.add(tx)
      st.stats.activeTransactions++
    }
    st.changed()
  }
  if (st.isV16) {
    const payload = {
      connectorId: evse.id,
      idTag: s.idToken,
      meterStart: Math.round(start.importWh),
      timestamp: new Date(now).toISOString(),
    }
    void st.send('StartTransaction', payload, { transactional: true, onResult: onStarted })
  } else {
    const event = transactionEvent({
      eventType: 'Started',
      triggerReason: remote ? 'RemoteStart' : 'Authorized',
      session: s,
      evseId: evse.id,
      seqNo: tx.seqNo++,
      meter: meterValue(evse.meter.read(now), evse.spec, 'Transaction.Begin', s.ev.soc),
      withIdToken: true,
    })
    void st.send('TransactionEvent', offlineAware(event), { transactional: true, onResult: onStarted })
    if (st.behaviour.features.chargingNeeds && st.model.iso15118) {
      const needs =
        st.version === 'v21'
          ? chargingNeedsV21(s, evse.id, evse.spec)
          : chargingNeedsV201(s, evse.id, evse.spec)
      void st.send('NotifyEVChargingNeeds', needs)
    }
  }
  if (st.behaviour.features.meterValues) scheduleMeterValues(st, evse, s)
}

/** Transactions the CSMS confirmed, so the active gauge is decremented exactly once. */
const confirmed = new WeakSet<object>()

const offlineAware =
  <T extends object>(payload: T) =>
  (offline: boolean) =>
    offline ? { ...payload, offline: true } : payload

function scheduleMeterValues(st: Station, evse: Evse, s: Session): void {
  clearTimeout(s.meterTimer)
  s.meterTimer = setTimeout(() => {
    if (evse.session !== s || !s.tx || s.tx.ended || !st.isRunning) return
    recomputePower(st, evse, false)
    sendMeterValues(st, evse, s, 'Sample.Periodic')
    scheduleMeterValues(st, evse, s)
  }, st.meterIntervalS * 1000)
}

export function sendMeterValues(
  st: Station,
  evse: Evse,
  s: Session | undefined,
  context: 'Sample.Periodic' | 'Trigger',
): void {
  const now = Date.now()
  const reading = evse.meter.read(now)
  const tx = s?.tx
  if (st.isV16) {
    const mv = meterValue16(reading, evse.spec, context, s?.ev.soc)
    const build = () =>
      tx?.csmsId === undefined
        ? tx && !tx.failed && context === 'Sample.Periodic'
          ? undefined
          : { connectorId: evse.id, meterValue: [mv] }
        : { connectorId: evse.id, transactionId: tx.csmsId, meterValue: [mv] }
    void st.send('MeterValues', build, { transactional: context === 'Sample.Periodic' })
    return
  }
  if (tx && !tx.ended && !tx.failed && s) {
    const event = transactionEvent({
      eventType: 'Updated',
      triggerReason: context === 'Trigger' ? 'Trigger' : 'MeterValuePeriodic',
      session: s,
      evseId: evse.id,
      seqNo: tx.seqNo++,
      meter: meterValue(reading, evse.spec, context, s.ev.soc),
    })
    void st.send('TransactionEvent', offlineAware(event), { transactional: true })
  } else {
    void st.send('MeterValues', {
      evseId: evse.id,
      meterValue: [meterValue(reading, evse.spec, context, undefined)],
    })
  }
}

function activeCount(st: Station): number {
  return st.evses.filter((e) => e.session?.tx && !e.session.tx.ended && !e.session.tx.failed).length
}

/**
 * Books the energy so far, then sets the power to what the EVSE, the EV and the charging
 * profiles allow now, and plans the next change (a period boundary, the EV reaching its target).
 */
export function recomputePower(st: Station, evse: Evse, byProfile: boolean): void {
  const s = evse.session
  const now = Date.now()
  const reading = evse.meter.read(now)
  if (!s) {
    evse.meter.setPower(0, now)
    return
  }
  const net = reading.importWh - reading.exportWh
  applyEnergy(s.ev, net - s.lastNetWh)
  s.lastNetWh = net
  clearTimeout(s.powerTimer)
  const tx = s.tx
  let power = 0
  let limit: number | undefined
  if (tx && !tx.ended && !tx.failed) {
    const active = evseLimitAt(st.profiles, {
      evseId: evse.id,
      at: now,
      transaction: { id: tx.csmsId === undefined ? tx.id : String(tx.csmsId), startedAt: tx.startedAt },
      electrical: { voltage: evse.spec.voltage, phases: evse.spec.phases },
      sharing: Math.max(1, activeCount(st)),
    })
    limit = active?.limitW
    power = allowedPowerW(s.ev, {
      evseMaxW: evse.spec.maxPowerW,
      evseMaxDischargeW: st.version === 'v21' ? evse.spec.maxDischargePowerW : 0,
      current: evse.spec.current,
      profileLimitW: limit,
      operative: evse.operative,
    })
    const untilSocBound =
      power > 0
        ? ((s.ev.targetSoc - s.ev.soc) * s.ev.batteryWh * 3_600_000) / power
        : power < 0
          ? ((s.ev.soc - s.ev.minSoc) * s.ev.batteryWh * 3_600_000) / -power
          : Number.POSITIVE_INFINITY
    const next = Math.min(untilSocBound, (active?.nextChangeAt ?? Number.POSITIVE_INFINITY) - now, 600_000)
    s.powerTimer = setTimeout(() => recomputePower(st, evse, false), Math.max(500, Math.ceil(next)))
  }
  const limitChanged = s.limitW !== limit
  evse.meter.setPower(power, now)
  s.powerW = power
  s.limitW = limit
  if (!tx || tx.ended || tx.failed) return
  const state: ChargingState =
    power !== 0 ? 'Charging' : s.ev.soc >= s.ev.targetSoc ? 'SuspendedEV' : 'SuspendedEVSE'
  if (state !== tx.chargingState) {
    tx.chargingState = state
    if (st.isV16) {
      st.setConnectorState(
        evse,
        s.connectorId,
        state === 'Charging' ? 'charging' : state === 'SuspendedEV' ? 'suspendedEV' : 'suspendedEVSE',
      )
    } else if (tx.seqNo > 0) {
      txUpdate(st, evse, s, 'ChargingStateChanged')
    }
  } else if (byProfile && limitChanged && !st.isV16 && tx.seqNo > 0) {
    txUpdate(st, evse, s, 'ChargingRateChanged')
  }
  st.changed()
}

function txUpdate(st: Station, evse: Evse, s: Session, trigger: v201.TriggerReasonEnumType): void {
  const tx = s.tx
  if (!tx) return
  const event = transactionEvent({
    eventType: 'Updated',
    triggerReason: trigger,
    session: s,
    evseId: evse.id,
    seqNo: tx.seqNo++,
    meter: meterValue(evse.meter.read(Date.now()), evse.spec, 'Sample.Periodic', s.ev.soc),
  })
  void st.send('TransactionEvent', offlineAware(event), { transactional: true })
}

/** Re-evaluates every EVSE (a charging profile or the availability changed). */
export function recomputeAll(st: Station): void {
  for (const evse of st.evses) if (evse.session) recomputePower(st, evse, true)
}

const V16_REASON: Partial<Record<StopReason, string>> = {
  ImmediateReset: 'HardReset',
  EVDisconnected: 'EVDisconnected',
  Remote: 'Remote',
  PowerLoss: 'PowerLoss',
  Reboot: 'Reboot',
  DeAuthorized: 'DeAuthorized',
  Local: 'Local',
}

/** Ends the transaction of a session (the EV may stay plugged in). */
export function endTransaction(
  st: Station,
  evse: Evse,
  s: Session,
  reason: StopReason,
  trigger: StopTrigger,
): Promise<CallOutcome> | undefined {
  const tx = s.tx
  if (!tx || tx.ended) return undefined
  recomputePower(st, evse, false)
  const now = Date.now()
  const end = evse.meter.setPower(0, now)
  clearTimeout(s.meterTimer)
  clearTimeout(s.powerTimer)
  s.powerW = 0
  tx.ended = true
  tx.chargingState = reason === 'EVDisconnected' || reason === 'PowerLoss' ? 'Idle' : 'EVConnected'
  if (confirmed.has(tx)) {
    confirmed.delete(tx)
    st.stats.activeTransactions--
  }
  st.changed()
  if (tx.failed) return undefined
  st.stats.count('txEnded')
  st.stats.count('energyWh', Math.max(0, end.importWh - tx.meterStartWh))
  if (st.isV16) {
    const payload = {
      meterStop: Math.round(end.importWh),
      timestamp: new Date(now).toISOString(),
      reason: V16_REASON[reason] ?? 'Other',
      idTag: s.idToken,
    }
    return st.send(
      'StopTransaction',
      () => (tx.csmsId === undefined || tx.failed ? undefined : { ...payload, transactionId: tx.csmsId }),
      {
        transactional: true,
      },
    )
  }
  const event = transactionEvent({
    eventType: 'Ended',
    triggerReason: trigger,
    session: s,
    evseId: evse.id,
    seqNo: tx.seqNo++,
    stoppedReason: reason,
    meter: meterValue(end, evse.spec, 'Transaction.End', s.ev.soc),
  })
  return st.send('TransactionEvent', offlineAware(event), { transactional: true })
}

export function clearSessionTimers(s: Session): void {
  clearTimeout(s.meterTimer)
  clearTimeout(s.powerTimer)
  clearTimeout(s.departureTimer)
}

/** The driver returns: the transaction ends (EV disconnected) and the connector frees up. */
export async function depart(st: Station, evse: Evse, s: Session): Promise<void> {
  if (evse.session !== s) return
  clearSessionTimers(s)
  const ending = endTransaction(st, evse, s, 'EVDisconnected', 'EVDeparted')
  evse.session = undefined
  if (st.isV16 && s.tx && !s.tx.failed) st.setConnectorState(evse, s.connectorId, 'finishing')
  applyScheduledAvailability(st, evse)
  st.setConnectorState(evse, s.connectorId, evse.operative ? 'available' : 'unavailable')
  recomputeAll(st)
  await ending
}

export function applyScheduledAvailability(st: Station, evse: Evse): void {
  if (evse.scheduledOperative === undefined) return
  evse.operative = evse.scheduledOperative
  evse.scheduledOperative = undefined
  st.setEvseState(evse, evse.operative ? 'available' : 'unavailable')
}

/** Reset or power loss: every transaction ends and the EVSEs come back free. */
export function endAllSessions(st: Station, reason: StopReason, trigger: StopTrigger): Promise<unknown>[] {
  const ending: Promise<unknown>[] = []
  for (const evse of st.evses) {
    const s = evse.session
    if (!s) continue
    clearSessionTimers(s)
    const p = endTransaction(st, evse, s, reason, trigger)
    if (p) ending.push(p)
    evse.session = undefined
    for (const c of evse.connectors) c.state = evse.operative ? 'available' : 'unavailable'
  }
  st.changed()
  return ending
}

/** Finds the EVSE whose ongoing transaction has this id (2.x id, or the 1.6 number as text). */
export function evseOfTransaction(st: Station, transactionId: string): Evse | undefined {
  return st.evses.find((e) => {
    const tx = e.session?.tx
    if (!tx || tx.ended) return false
    return tx.id === transactionId || (tx.csmsId !== undefined && String(tx.csmsId) === transactionId)
  })
}
