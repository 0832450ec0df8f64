import { STATION_MODELS } from '../model/station-models.js'
import type { Scenario } from '../scenario/scenario-schema.js'
import type { StationSpec } from '../station/station-types.js'
import { createRandom } from '../util/random.js'

/**
 * The stations of a scenario, the same list in every process: station `i` draws its model from
 * the composition weights with a generator seeded by the scenario seed and `i`.
 */
export function planFleet(s: Scenario, from = 0, to = s.fleet.stations): StationSpec[] {
  const weights = s.fleet.composition.map((c) => c.weight)
  const width = Math.max(6, String(s.fleet.stations).length)
  const specs: StationSpec[] = []
  for (let i = from; i < Math.min(to, s.fleet.stations); i++) {
    const entry = s.fleet.composition[createRandom(s.seed).fork(i).weighted(weights)]
    if (!entry) continue
    specs.push({
      id: `${s.fleet.idPrefix}${String(i + 1).padStart(width, '0')}`,
      model: entry.model,
      protocol: entry.protocol ?? (STATION_MODELS[entry.model].protocols[0] as StationSpec['protocol']),
    })
  }
  return specs
}

/** How the fleet is split over processes: contiguous index ranges, none above the per-process cap. */
export function splitFleet(total: number, perProcess: number): { from: number; to: number }[] {
  const processes = Math.max(1, Math.ceil(total / perProcess))
  const size = Math.ceil(total / processes)
  return Array.from({ length: processes }, (_, i) => ({
    from: i * size,
    to: Math.min(total, (i + 1) * size),
  })).filter((r) => r.to > r.from)
}
