import { registerPoints } from '../domain/energy.js'
import type { Reading } from '../domain/readings.js'

// How the sampled values of one instant are stored in meter_values.samples: a JSON array of
// [measurand, phase, location, context, unit, multiplier, value, normalized, signed?]: short, so
// that 50,000 sampled values a second stay a few MB of WAL.

export type SampleTuple = [
  string,
  string,
  string,
  string,
  string,
  number,
  number | null,
  number | null,
  unknown?,
]

export type MeterRow = {
  sampled_at: string
  station_id: string
  evse_id: number
  tx_id: string | null
  seq_no: number | null
  register_wh: number | null
  digest: number
  samples: SampleTuple[]
}

/** Groups readings by instant (one row each), keeping the order they were sent in. */
export function toMeterRows(
  readings: readonly Reading[],
  key: { stationId: string; evseId: number; txId: string | null; seqNo: number | null },
): MeterRow[] {
  const byInstant = new Map<string, Reading[]>()
  for (const r of readings) {
    const group = byInstant.get(r.at)
    if (group) group.push(r)
    else byInstant.set(r.at, [r])
  }
  const rows: MeterRow[] = []
  for (const [at, group] of byInstant) {
    const samples = group.map(toTuple)
    rows.push({
      sampled_at: at,
      station_id: key.stationId,
      evse_id: key.evseId,
      tx_id: key.txId,
      seq_no: key.seqNo,
      register_wh: registerPoints(group)[0]?.wh ?? null,
      // Only rows without a seqNo are deduplicated by content; the others skip the hash.
      digest: key.seqNo === null ? digestOf(JSON.stringify(samples)) : 0,
      samples,
    })
  }
  return rows
}

function toTuple(r: Reading): SampleTuple {
  const t: SampleTuple = [
    r.measurand,
    r.phase,
    r.location,
    r.context,
    r.unit,
    r.multiplier,
    r.value,
    r.normalized,
  ]
  if (r.signed !== null) t.push(r.signed)
  return t
}

export function fromTuple(at: string, t: SampleTuple): Reading {
  return {
    at,
    measurand: t[0],
    phase: t[1],
    location: t[2],
    context: t[3],
    unit: t[4],
    multiplier: t[5],
    value: t[6],
    normalized: t[7],
    signed: t[8] ?? null,
  }
}

/** cyrb53: a fast 53-bit string hash, exact in a double and in a bigint column. */
export function digestOf(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}
