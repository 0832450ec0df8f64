import {
  type InstalledProfile,
  type ProfileLike,
  PURPOSE,
  type ScheduleLike,
  time,
} from './charging-profile.js'

// The composite schedule a station should report for an EVSE (K08), computed from the profiles
// the CSMS knows it holds and the external limits it reported (NotifyChargingLimit): the
// TxProfile of the running transaction, else the TxDefaultProfiles (station-wide and per EVSE,
// stacked by stackLevel, K01.FR.53), capped by the ChargingStationMaxProfile and every external
// constraint. Within a purpose the active profile with the highest stackLevel wins.

export type ExternalLimit = { evseId: number; schedules: readonly ScheduleLike[]; setAt: number }

export type CompositeQuery = {
  evseId: number
  /** Epoch ms: the scheduleStart. */
  from: number
  durationS: number
  unit: 'A' | 'W'
  transaction?: { id: string; startedAt: number } | undefined
  electrical: { voltage: number; phases: 1 | 2 | 3 }
}

/** `limit` undefined: nothing known limits the EVSE then (the station reports its own maximum). */
export type CompositePeriod = { startPeriod: number; limit: number | undefined }

type Eval = { w: number | undefined; next: number | undefined }

const DAY_MS = 86_400_000
const earliest = (...ts: Array<number | undefined>) =>
  ts.reduce<number | undefined>(
    (m, t) => (t === undefined ? m : m === undefined ? t : Math.min(m, t)),
    undefined,
  )

function scheduleStartOf(
  p: ProfileLike,
  s: ScheduleLike,
  setAt: number,
  at: number,
  txStart: number | undefined,
) {
  switch (p.chargingProfileKind) {
    case 'Relative':
      return { start: txStart, next: undefined }
    case 'Recurring': {
      const anchor = time(s.startSchedule) ?? setAt
      const period = p.recurrencyKind === 'Weekly' ? 7 * DAY_MS : DAY_MS
      if (at < anchor) return { start: undefined, next: anchor }
      const start = anchor + Math.floor((at - anchor) / period) * period
      return { start, next: start + period }
    }
    default:
      return { start: time(s.startSchedule) ?? time(p.validFrom) ?? setAt, next: undefined }
  }
}

/** One profile at instant `at`: its limit in W (or none) and when that may change. */
function evaluate(
  i: InstalledProfile,
  at: number,
  txStart: number | undefined,
  e: CompositeQuery['electrical'],
): Eval {
  const p = i.profile
  const from = time(p.validFrom)
  const to = time(p.validTo)
  if (from !== undefined && at < from) return { w: undefined, next: from }
  if (to !== undefined && at >= to) return { w: undefined, next: undefined }
  const s = p.chargingSchedule[0]
  if (!s) return { w: undefined, next: undefined }
  const { start, next: recurrence } = scheduleStartOf(p, s, i.setAt, at, txStart)
  if (start === undefined) return { w: undefined, next: earliest(recurrence, to) }
  if (at < start) return { w: undefined, next: earliest(start, to) }
  const offsetS = (at - start) / 1000
  const end = s.duration === undefined ? undefined : start + s.duration * 1000
  if (end !== undefined && at >= end) return { w: undefined, next: earliest(recurrence, to) }
  let current: ScheduleLike['chargingSchedulePeriod'][number] | undefined
  let nextPeriod: number | undefined
  for (const q of s.chargingSchedulePeriod) {
    if (q.startPeriod <= offsetS) current = q
    else nextPeriod = earliest(nextPeriod, start + q.startPeriod * 1000)
  }
  const next = earliest(nextPeriod, end, to, recurrence)
  if (!current) return { w: undefined, next }
  const limit = current.limit ?? current.setpoint
  if (limit === undefined) return { w: undefined, next }
  const phases = current.numberPhases ?? e.phases
  return { w: s.chargingRateUnit === 'W' ? limit : limit * e.voltage * phases, next }
}

/** The highest stack level active at `at` decides; `next` covers every candidate. */
function stack(
  candidates: readonly InstalledProfile[],
  at: number,
  txStart: number | undefined,
  e: CompositeQuery['electrical'],
): Eval {
  let w: number | undefined
  let bestLevel = Number.NEGATIVE_INFINITY
  let next: number | undefined
  for (const c of candidates) {
    const r = evaluate(c, at, txStart, e)
    next = earliest(next, r.next)
    if (r.w !== undefined && c.profile.stackLevel > bestLevel) {
      bestLevel = c.profile.stackLevel
      w = r.w
    }
  }
  return { w, next }
}

export function compositeSchedule(
  installed: readonly InstalledProfile[],
  externals: readonly ExternalLimit[],
  q: CompositeQuery,
): CompositePeriod[] {
  const tx = q.transaction
  const of = (purpose: string, evses: readonly number[]) =>
    installed.filter((i) => i.profile.chargingProfilePurpose === purpose && evses.includes(i.evseId))
  const txProfiles =
    tx && q.evseId > 0
      ? of(PURPOSE.tx, [q.evseId]).filter(
          (i) => i.profile.transactionId === undefined || i.profile.transactionId === tx.id,
        )
      : []
  const txDefaults = tx && q.evseId > 0 ? of(PURPOSE.txDefault, [0, q.evseId]) : []
  const maxProfiles = of(PURPOSE.max, [0])
  const externalEvses = q.evseId === 0 ? [0] : [0, q.evseId]
  const externalProfiles = of(PURPOSE.external, externalEvses)
  const externalLimits: InstalledProfile[] = externals
    .filter((x) => externalEvses.includes(x.evseId))
    .flatMap((x) =>
      x.schedules.slice(0, 1).map((s) => ({
        evseId: x.evseId,
        setAt: x.setAt,
        profile: {
          id: -1,
          stackLevel: 0,
          chargingProfilePurpose: PURPOSE.external,
          chargingProfileKind: 'Absolute',
          chargingSchedule: [s],
        },
      })),
    )

  const end = q.from + q.durationS * 1000
  const periods: CompositePeriod[] = []
  let t = q.from
  for (let guard = 0; t < end && guard < 10_000; guard++) {
    const txStart = tx?.startedAt
    const txEval = stack(txProfiles, t, txStart, q.electrical)
    const defEval = stack(txDefaults, t, txStart, q.electrical)
    const parts = [
      txEval.w !== undefined ? txEval : defEval,
      stack(maxProfiles, t, txStart, q.electrical),
      ...externalProfiles.map((x) => stack([x], t, txStart, q.electrical)),
      ...externalLimits.map((x) => stack([x], t, txStart, q.electrical)),
    ]
    const values = parts.map((x) => x.w).filter((w): w is number => w !== undefined)
    const w = values.length === 0 ? undefined : Math.min(...values)
    const limit = w === undefined ? undefined : toUnit(w, q)
    if (periods.length === 0 || periods.at(-1)?.limit !== limit) {
      periods.push({ startPeriod: Math.round((t - q.from) / 1000), limit })
    }
    const next = earliest(txEval.next, defEval.next, ...parts.map((x) => x.next))
    if (next === undefined || next <= t) break
    t = next
  }
  return periods
}

function toUnit(watts: number, q: CompositeQuery): number {
  if (q.unit === 'W') return Math.round(watts)
  return Math.round((watts / (q.electrical.voltage * q.electrical.phases)) * 10) / 10
}
