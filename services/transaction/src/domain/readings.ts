// Sampled values of every protocol version in one shape, with the spec's defaults filled in and
// the value scaled into its base unit (Wh, W, varh, A, V, …): value × 10^multiplier, and × 1000
// for a kilo unit. Stored as sent too, so nothing the station said is lost.

export type Reading = {
  /** ISO 8601 UTC, millisecond precision: comparable as strings. */
  at: string
  measurand: string
  /** '' when the value is not per phase. */
  phase: string
  location: string
  context: string
  unit: string
  multiplier: number
  /** As sent; null for a 1.6 SignedData value, which is not a number. */
  value: number | null
  /** In the base unit of `unit`. */
  normalized: number | null
  signed: unknown
}

export const READING_DEFAULTS = {
  measurand: 'Energy.Active.Import.Register',
  location: 'Outlet',
  context: 'Sample.Periodic',
  unit: 'Wh',
  multiplier: 0,
} as const

const KILO: Readonly<Record<string, string>> = {
  kWh: 'Wh',
  kW: 'W',
  kvarh: 'varh',
  kvar: 'var',
  kVA: 'VA',
  kVAh: 'VAh',
}

export function baseUnit(unit: string): string {
  return KILO[unit] ?? unit
}

/** value × 10^multiplier in the base unit, rounded to 15 significant digits (no float noise). */
export function normalize(value: number, unit: string, multiplier: number): number {
  const kilo = KILO[unit] !== undefined
  if (multiplier === 0 && !kilo) return value
  const scaled = value * 10 ** multiplier * (kilo ? 1000 : 1)
  return Number.isInteger(scaled) ? scaled : Number(scaled.toPrecision(15))
}

/** The earlier of two ISO instants (strings: Math.min does not apply). */
export function earlierOf(a: string, b: string): string {
  if (b < a) return b
  return a
}

export function laterOf(a: string, b: string): string {
  if (b > a) return b
  return a
}

const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** The instant as `YYYY-MM-DDTHH:mm:ss.sssZ` (what stations mostly send already). */
export function isoAt(timestamp: string): string {
  if (CANONICAL.test(timestamp)) return timestamp
  const d = new Date(timestamp)
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a timestamp: ${timestamp}`)
  return d.toISOString()
}

/** What a 2.0.1 / 2.1 SampledValueType carries (structurally; both versions fit). */
export type SampledValue2 = {
  value: number
  measurand?: string | undefined
  phase?: string | undefined
  location?: string | undefined
  context?: string | undefined
  unitOfMeasure?: { unit?: string | undefined; multiplier?: number | undefined } | undefined
  signedMeterValue?: unknown
}
export type MeterValue2 = { timestamp: string; sampledValue: readonly SampledValue2[] }

export function readingsFromV2(meterValues: readonly MeterValue2[] | undefined): Reading[] {
  const out: Reading[] = []
  for (const mv of meterValues ?? []) {
    const at = isoAt(mv.timestamp)
    for (const sv of mv.sampledValue) {
      const unit = sv.unitOfMeasure?.unit ?? READING_DEFAULTS.unit
      const multiplier = sv.unitOfMeasure?.multiplier ?? READING_DEFAULTS.multiplier
      out.push({
        at,
        measurand: sv.measurand ?? READING_DEFAULTS.measurand,
        phase: sv.phase ?? '',
        location: sv.location ?? READING_DEFAULTS.location,
        context: sv.context ?? READING_DEFAULTS.context,
        unit,
        multiplier,
        value: sv.value,
        normalized: normalize(sv.value, unit, multiplier),
        signed: sv.signedMeterValue ?? null,
      })
    }
  }
  return out
}

/** What a 1.6 MeterValue carries: values are strings, no multiplier. */
export type SampledValue16 = {
  value: string
  context?: string | undefined
  format?: string | undefined
  measurand?: string | undefined
  phase?: string | undefined
  location?: string | undefined
  unit?: string | undefined
}
export type MeterValue16 = { timestamp: string; sampledValue: readonly SampledValue16[] }

export function readingsFromV16(meterValues: readonly MeterValue16[] | undefined): Reading[] {
  const out: Reading[] = []
  for (const mv of meterValues ?? []) {
    const at = isoAt(mv.timestamp)
    for (const sv of mv.sampledValue) {
      const unit = sv.unit ?? READING_DEFAULTS.unit
      const signed = sv.format === 'SignedData'
      const parsed = signed ? Number.NaN : Number(sv.value)
      const value = Number.isFinite(parsed) && sv.value.trim() !== '' ? parsed : null
      out.push({
        at,
        measurand: sv.measurand ?? READING_DEFAULTS.measurand,
        phase: sv.phase ?? '',
        location: sv.location ?? READING_DEFAULTS.location,
        context: sv.context ?? READING_DEFAULTS.context,
        unit,
        multiplier: 0,
        value,
        normalized: value === null ? null : normalize(value, unit, 0),
        signed: value === null ? { format: sv.format ?? 'Raw', data: sv.value } : null,
      })
    }
  }
  return out
}

/** A 1.6 meterStart / meterStop: an integer register in Wh. */
export function registerReading(
  at: string,
  wh: number,
  context: 'Transaction.Begin' | 'Transaction.End',
): Reading {
  return {
    at: isoAt(at),
    measurand: READING_DEFAULTS.measurand,
    phase: '',
    location: READING_DEFAULTS.location,
    context,
    unit: 'Wh',
    multiplier: 0,
    value: wh,
    normalized: wh,
    signed: null,
  }
}
