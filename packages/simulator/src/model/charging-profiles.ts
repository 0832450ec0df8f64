/**
 * Charging profiles as the station keeps them, independent of the OCPP version that set them,
 * and the limit they impose at an instant (OCPP 2.0.1 K01 / 1.6 §3.13 stacking rules).
 */
export type ChargingPurpose =
  | 'ChargingStationMaxProfile'
  | 'ChargingStationExternalConstraints'
  | 'TxDefaultProfile'
  | 'TxProfile'

export type SchedulePeriod = { startPeriod: number; limit: number; numberPhases?: number }

export type StoredProfile = {
  id: number
  stackLevel: number
  purpose: ChargingPurpose
  kind: 'Absolute' | 'Recurring' | 'Relative'
  recurrency?: 'Daily' | 'Weekly'
  validFrom?: number
  validTo?: number
  transactionId?: string
  /** 0 = the whole station. */
  evseId: number
  /** When it was set: an Absolute schedule without startSchedule starts then. */
  setAt: number
  startSchedule?: number
  /** Seconds. */
  duration?: number
  unit: 'W' | 'A'
  periods: SchedulePeriod[]
  /** The profile as the CSMS sent it, for GetChargingProfiles reports. */
  raw?: unknown
}

export type Electrical = { voltage: number; phases: number }

export type ActiveLimit = { limitW: number; nextChangeAt: number | undefined }

const DAY_MS = 86_400_000

function scheduleStart(p: StoredProfile, at: number, txStart: number | undefined): number | undefined {
  switch (p.kind) {
    case 'Relative':
      return txStart
    case 'Absolute':
      return p.startSchedule ?? p.validFrom ?? p.setAt
    case 'Recurring': {
      const first = p.startSchedule ?? p.setAt
      const period = p.recurrency === 'Weekly' ? 7 * DAY_MS : DAY_MS
      return at < first ? undefined : first + Math.floor((at - first) / period) * period
    }
  }
}

/** The limit a single profile imposes at `at`, in watts, and when that could next change. */
export function profileLimitAt(
  p: StoredProfile,
  at: number,
  txStart: number | undefined,
  e: Electrical,
): ActiveLimit | undefined {
  if (p.validFrom !== undefined && at < p.validFrom) return undefined
  if (p.validTo !== undefined && at >= p.validTo) return undefined
  const start = scheduleStart(p, at, txStart)
  if (start === undefined || at < start) return undefined
  const offsetS = (at - start) / 1_000
  if (p.duration !== undefined && offsetS >= p.duration) return undefined
  let current: SchedulePeriod | undefined
  let next: SchedulePeriod | undefined
  for (const period of p.periods) {
    if (period.startPeriod <= offsetS) current = period
    else if (next === undefined || period.startPeriod < next.startPeriod) next = period
  }
  if (current === undefined) return undefined
  const ends = [
    next === undefined ? undefined : start + next.startPeriod * 1_000,
    p.duration === undefined ? undefined : start + p.duration * 1_000,
    p.validTo,
    p.kind === 'Recurring' ? start + (p.recurrency === 'Weekly' ? 7 * DAY_MS : DAY_MS) : undefined,
  ].filter((t): t is number => t !== undefined && t > at)
  const phases = current.numberPhases ?? e.phases
  const limitW = p.unit === 'W' ? current.limit : current.limit * e.voltage * phases
  return { limitW, nextChangeAt: ends.length === 0 ? undefined : Math.min(...ends) }
}

function highestActive(
  candidates: readonly StoredProfile[],
  at: number,
  txStart: number | undefined,
  e: Electrical,
): ActiveLimit | undefined {
  const sorted = [...candidates].sort((a, b) => b.stackLevel - a.stackLevel)
  for (const p of sorted) {
    const active = profileLimitAt(p, at, txStart, e)
    if (active) return active
  }
  return undefined
}

export type LimitQuery = {
  evseId: number
  at: number
  transaction?: { id: string; startedAt: number }
  electrical: Electrical
  /** EVSEs sharing the station-wide limits right now (at least 1). */
  sharing: number
}

/**
 * The limit on one EVSE: a TxProfile for its transaction overrides the TxDefaultProfile (own
 * EVSE before station-wide); station-wide maxima and external constraints cap the result and
 * are shared by the EVSEs drawing power. Undefined when nothing limits the EVSE.
 */
export function evseLimitAt(profiles: readonly StoredProfile[], q: LimitQuery): ActiveLimit | undefined {
  const tx = q.transaction
  const txStart = tx?.startedAt
  const pick = (purpose: ChargingPurpose, evseId: number) =>
    profiles.filter(
      (p) =>
        p.purpose === purpose &&
        p.evseId === evseId &&
        (purpose !== 'TxProfile' ||
          (tx !== undefined && (p.transactionId === undefined || p.transactionId === tx.id))),
    )
  const txLimit = tx
    ? (highestActive(pick('TxProfile', q.evseId), q.at, txStart, q.electrical) ??
      highestActive(pick('TxDefaultProfile', q.evseId), q.at, txStart, q.electrical) ??
      highestActive(pick('TxDefaultProfile', 0), q.at, txStart, q.electrical))
    : undefined
  const caps = [
    highestActive(pick('ChargingStationMaxProfile', 0), q.at, txStart, q.electrical),
    highestActive(pick('ChargingStationExternalConstraints', 0), q.at, txStart, q.electrical),
  ]
    .filter((c): c is ActiveLimit => c !== undefined)
    .map((c) => ({ ...c, limitW: c.limitW / Math.max(1, q.sharing) }))
  const external = highestActive(
    pick('ChargingStationExternalConstraints', q.evseId),
    q.at,
    txStart,
    q.electrical,
  )
  const all = [txLimit, ...caps, q.evseId === 0 ? undefined : external].filter(
    (c): c is ActiveLimit => c !== undefined,
  )
  if (all.length === 0) return undefined
  const changes = all.map((a) => a.nextChangeAt).filter((t): t is number => t !== undefined)
  return {
    limitW: Math.min(...all.map((a) => a.limitW)),
    nextChangeAt: changes.length === 0 ? undefined : Math.min(...changes),
  }
}

/**
 * A composite schedule from `from` for `durationS`: the limit as it will change over time,
 * capped by the EVSE's own maximum (what GetCompositeSchedule answers).
 */
export function compositeSchedule(
  profiles: readonly StoredProfile[],
  q: Omit<LimitQuery, 'at'>,
  from: number,
  durationS: number,
  physicalMaxW: number,
): SchedulePeriod[] {
  const end = from + durationS * 1_000
  const periods: SchedulePeriod[] = []
  let t = from
  while (t < end && periods.length < 100) {
    const active = evseLimitAt(profiles, { ...q, at: t })
    const limit = Math.min(physicalMaxW, active?.limitW ?? physicalMaxW)
    const startPeriod = Math.round((t - from) / 1_000)
    if (periods.at(-1)?.limit !== limit) periods.push({ startPeriod, limit })
    if (active?.nextChangeAt === undefined) break
    t = active.nextChangeAt
  }
  return periods
}
