import { type InstalledProfile, type ProfileLike, PURPOSE, time } from './charging-profile.js'

// The OCPP 2.0.1 / 2.1 rules (part 2, use case K01) a SetChargingProfileRequest must satisfy,
// checked before anything is sent. Each violation names its requirement. Facts the CSMS may
// not know (the EVSEs of a station, whether one is DC, its transactions) are checked only when
// known.

export type RuleViolation = { rule: string; message: string }

export type SetProfileContext = {
  version: 'v201' | 'v21'
  evseId: number
  profile: ProfileLike
  /** Profiles the station accepted and still holds (as far as the CSMS knows). */
  installed: readonly InstalledProfile[]
  /** Active transactions by EVSE; undefined when unknown. */
  transactions?: ReadonlyMap<number, string> | undefined
  /** The station's EVSE ids; undefined when unknown. */
  evseIds?: readonly number[] | undefined
  /** AC or DC per EVSE, when known. */
  currentOf?: ((evseId: number) => 'AC' | 'DC' | undefined) | undefined
  /** The EV sent NotifyEVChargingNeeds for this EVSE's transaction (ISO 15118). */
  chargingNeedsReceived?: boolean | undefined
  /** Ids the CSMS keeps for its own load-balancing profiles. */
  reservedIds?: { min: number; max: number } | undefined
  /**
   * The stack level of the load balancer's TxProfiles and TxDefaultProfile, when the station
   * holds them (its site is balanced): an operator's profile must not take precedence over them.
   */
  balancerStackLevel?: number | undefined
  /**
   * Where the profile travels: a SetChargingProfileRequest (default), or the chargingProfile of a
   * RequestStartTransactionRequest (K05), sent before its transaction exists (evseId 0: none given).
   */
  origin?: 'SetChargingProfile' | 'RequestStartTransaction' | undefined
}

const oneDecimal = (x: number) => Math.abs(Math.round(x * 10) - x * 10) < 1e-9

export function checkSetChargingProfile(ctx: SetProfileContext): RuleViolation[] {
  const out: RuleViolation[] = []
  const v = (rule: string, message: string) => out.push({ rule, message })
  const p = ctx.profile
  const purpose = p.chargingProfilePurpose
  const evseId = ctx.evseId

  if (ctx.reservedIds && p.id >= ctx.reservedIds.min && p.id <= ctx.reservedIds.max) {
    v(
      'CSMS.reserved-id',
      `profile ids ${ctx.reservedIds.min}-${ctx.reservedIds.max} are reserved for load balancing`,
    )
  }
  if (evseId < 0) v('SetChargingProfileRequest.evseId', 'evseId must be 0 (station) or an EVSE id')
  if (ctx.evseIds && evseId > 0 && !ctx.evseIds.includes(evseId)) {
    v('K01.FR.28', `EVSE ${evseId} does not exist on this station`)
  }
  if (purpose === PURPOSE.external) {
    v('K01.FR.22', 'the CSMS shall not set a ChargingStationExternalConstraints profile')
  }
  if (purpose === PURPOSE.max) {
    if (evseId !== 0)
      v('K01.ChargingStationMaxProfile', 'a ChargingStationMaxProfile applies to the whole station: evseId 0')
    if (p.chargingProfileKind === 'Relative') v('K01.FR.38', 'a ChargingStationMaxProfile cannot be Relative')
  }
  if (ctx.origin === 'RequestStartTransaction' && purpose !== PURPOSE.tx) {
    v('F01.FR.09', 'the chargingProfile of a RequestStartTransaction is a TxProfile')
  }
  if (purpose === PURPOSE.tx) checkTxProfile(ctx, v)
  else if (p.transactionId !== undefined) {
    v('ChargingProfileType.transactionId', 'transactionId is only included in a TxProfile')
  }
  checkBalancerPrecedence(ctx, v)
  if (purpose !== PURPOSE.tx) {
    const clash = ctx.installed.find(
      (i) =>
        i.evseId === evseId &&
        i.profile.id !== p.id &&
        i.profile.chargingProfilePurpose === purpose &&
        i.profile.stackLevel === p.stackLevel &&
        overlaps(i.profile, p),
    )
    if (clash) {
      v(
        'K01.FR.06',
        `profile ${clash.profile.id} already has purpose ${purpose} and stackLevel ${p.stackLevel} on EVSE ${evseId} with an overlapping validity`,
      )
    }
  }
  if (purpose === PURPOSE.txDefault) {
    const clash = ctx.installed.find(
      (i) =>
        i.profile.chargingProfilePurpose === PURPOSE.txDefault &&
        i.profile.id !== p.id &&
        i.profile.stackLevel === p.stackLevel &&
        (evseId === 0 ? i.evseId !== 0 : i.evseId === 0),
    )
    if (clash) {
      v(
        'K01.FR.53',
        `TxDefaultProfile ${clash.profile.id} on ${clash.evseId === 0 ? 'the station' : `EVSE ${clash.evseId}`} has the same stackLevel ${p.stackLevel}`,
      )
    }
  }

  const from = time(p.validFrom)
  const to = time(p.validTo)
  if (from !== undefined && to !== undefined && to <= from) {
    v('ChargingProfileType.validTo', 'validTo must be after validFrom')
  }
  if (p.chargingProfileKind === 'Recurring' && p.recurrencyKind === undefined) {
    v('ChargingProfileType.recurrencyKind', 'a Recurring profile needs recurrencyKind (Daily or Weekly)')
  }
  if (p.chargingProfileKind !== 'Recurring' && p.recurrencyKind !== undefined) {
    v('ChargingProfileType.recurrencyKind', 'recurrencyKind applies to Recurring profiles only')
  }
  if (p.chargingSchedule.length > 1 && !(purpose === PURPOSE.tx && ctx.chargingNeedsReceived)) {
    v(
      'K01.FR.34',
      'more than one chargingSchedule only in a TxProfile answering NotifyEVChargingNeeds (ISO 15118)',
    )
  }
  if (ctx.version === 'v21') checkV21(p, v)
  else if (
    p.chargingProfileKind === 'Dynamic' ||
    purpose === PURPOSE.priority ||
    purpose === PURPOSE.localGeneration
  ) {
    v('OCPP 2.0.1', `${p.chargingProfileKind}/${purpose} exist only in OCPP 2.1`)
  }
  checkSchedules(ctx, v)
  return out
}

function checkTxProfile(ctx: SetProfileContext, v: (rule: string, message: string) => void): void {
  const p = ctx.profile
  if (ctx.origin === 'RequestStartTransaction') {
    if (p.transactionId !== undefined)
      v(
        'F01.FR.11',
        'a RequestStartTransaction profile has no transactionId: the transaction does not exist yet',
      )
    return
  }
  if (ctx.evseId <= 0) v('K01.FR.16', 'a TxProfile needs an evseId greater than 0')
  if (p.transactionId === undefined) {
    v('K01.FR.03', 'a TxProfile must carry the transactionId it applies to')
    return
  }
  if (ctx.transactions && ctx.evseId > 0) {
    const active = ctx.transactions.get(ctx.evseId)
    if (active === undefined) v('K01.FR.09', `no transaction is active on EVSE ${ctx.evseId}`)
    else if (active !== p.transactionId) {
      v('K01.FR.33', `transaction ${p.transactionId} is not the one on EVSE ${ctx.evseId} (${active})`)
    }
  }
  const clash = ctx.installed.find(
    (i) =>
      i.profile.chargingProfilePurpose === PURPOSE.tx &&
      i.profile.id !== p.id &&
      i.profile.transactionId === p.transactionId &&
      i.profile.stackLevel === p.stackLevel,
  )
  if (clash) {
    v(
      'K01.FR.39',
      `TxProfile ${clash.profile.id} already has stackLevel ${p.stackLevel} for transaction ${p.transactionId}`,
    )
  }
}

/**
 * On a balanced station the balancer's profiles decide what each transaction may draw. A
 * TxProfile or TxDefaultProfile above their stack level, or a 2.1 PriorityCharging profile
 * (it overrules both), would let an EVSE draw power the site did not allocate.
 */
function checkBalancerPrecedence(ctx: SetProfileContext, v: (rule: string, message: string) => void): void {
  const level = ctx.balancerStackLevel
  if (level === undefined) return
  const p = ctx.profile
  const purpose = p.chargingProfilePurpose
  const above = (purpose === PURPOSE.tx || purpose === PURPOSE.txDefault) && p.stackLevel > level
  if (above || purpose === PURPOSE.priority) {
    v(
      'CSMS.balanced-site',
      `the station's site is load balanced: a ${purpose}${above ? ` above stack level ${level}` : ''} would override the balancer's share (use the site's limits and priorities, or a ChargingStationMaxProfile)`,
    )
  }
}

function checkV21(p: ProfileLike, v: (rule: string, message: string) => void): void {
  if (
    p.chargingProfilePurpose === PURPOSE.priority &&
    p.chargingSchedule.some((s) => s.duration !== undefined)
  ) {
    v('K01.FR.70', 'a PriorityCharging schedule has no duration')
  }
  if (
    p.chargingProfilePurpose === PURPOSE.priority &&
    p.chargingSchedule.some((s) =>
      s.chargingSchedulePeriod.some((q) => (q.operationMode ?? 'ChargingOnly') !== 'ChargingOnly'),
    )
  ) {
    v('K01.FR.71', 'a PriorityCharging schedule has operationMode ChargingOnly only')
  }
  if (
    (p.dynUpdateInterval !== undefined || p.dynUpdateTime !== undefined) &&
    p.chargingProfileKind !== 'Dynamic'
  ) {
    v('K01.FR.122', 'dynUpdateInterval and dynUpdateTime belong to Dynamic profiles only')
  }
  const txLike = p.chargingProfilePurpose === PURPOSE.tx || p.chargingProfilePurpose === PURPOSE.txDefault
  if (!txLike && p.chargingSchedule.some((s) => (s.randomizedDelay ?? 0) > 0)) {
    v('K01.FR.95', 'only TxProfile and TxDefaultProfile schedules may have a randomizedDelay')
  }
}

function checkSchedules(ctx: SetProfileContext, v: (rule: string, message: string) => void): void {
  const p = ctx.profile
  const dc = ctx.currentOf?.(ctx.evseId) === 'DC'
  for (const s of p.chargingSchedule) {
    const where = `chargingSchedule ${s.id}`
    if (p.chargingProfileKind === 'Absolute' || p.chargingProfileKind === 'Recurring') {
      if (s.startSchedule === undefined)
        v('K01.FR.40', `${where}: an ${p.chargingProfileKind} profile needs startSchedule`)
    }
    if (p.chargingProfileKind === 'Relative' && s.startSchedule !== undefined) {
      v('K01.FR.41', `${where}: a Relative profile has no startSchedule`)
    }
    if (s.duration !== undefined && s.duration <= 0)
      v('ChargingScheduleType.duration', `${where}: duration must be positive`)
    const periods = s.chargingSchedulePeriod
    if (periods[0] && periods[0].startPeriod !== 0) {
      v('K01.FR.31', `${where}: the first chargingSchedulePeriod must start at 0`)
    }
    periods.forEach((q, i) => {
      const at = `${where} period ${i}`
      const prev = periods[i - 1]
      if (prev && q.startPeriod <= prev.startPeriod) {
        v('K01.FR.35', `${at}: periods must be ordered by increasing startPeriod`)
      }
      if (q.phaseToUse !== undefined && q.numberPhases !== 1) {
        v('K01.FR.19', `${at}: phaseToUse only with numberPhases = 1`)
      }
      if (q.phaseToUse !== undefined && (q.phaseToUse < 1 || q.phaseToUse > 3)) {
        v('K01.FR.19', `${at}: phaseToUse is 1, 2 or 3`)
      }
      if (q.numberPhases !== undefined && (q.numberPhases < 1 || q.numberPhases > 3)) {
        v('K01.FR.45', `${at}: numberPhases is 1, 2 or 3`)
      }
      if (dc && (q.numberPhases !== undefined || q.phaseToUse !== undefined)) {
        v('K01.FR.44', `${at}: numberPhases and phaseToUse do not apply to a DC EVSE`)
      }
      if (ctx.version === 'v201') {
        if (q.limit === undefined) v('ChargingSchedulePeriodType.limit', `${at}: limit is required`)
        else if (q.limit < 0)
          v('ChargingSchedulePeriodType.limit', `${at}: a negative limit (discharge) needs OCPP 2.1`)
        else if (!oneDecimal(q.limit))
          v('ChargingSchedulePeriodType.limit', `${at}: limit accepts at most one decimal`)
      } else if (q.limit === undefined && q.setpoint === undefined && q.dischargeLimit === undefined) {
        v('ChargingSchedulePeriodType.limit', `${at}: a period needs a limit, setpoint or dischargeLimit`)
      }
    })
  }
}

/** Validity periods [validFrom, validTo) overlap; absent bounds are open. */
function overlaps(a: ProfileLike, b: ProfileLike): boolean {
  const aFrom = time(a.validFrom) ?? Number.NEGATIVE_INFINITY
  const aTo = time(a.validTo) ?? Number.POSITIVE_INFINITY
  const bFrom = time(b.validFrom) ?? Number.NEGATIVE_INFINITY
  const bTo = time(b.validTo) ?? Number.POSITIVE_INFINITY
  return aFrom < bTo && bFrom < aTo
}
