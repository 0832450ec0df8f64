import type { EvseDefaults } from '@csms/bus'
import type { ScheduleLike } from '../domain/charging-profile.js'
import { AC_MIN_CURRENT_A, type Electrical } from '../domain/electrical.js'
import type { ScheduledLimit } from '../domain/node-limits.js'

// What an EVSE can take: the site's defaults, overridden by the station's placement, narrowed
// by what the EV reported (ISO 15118 NotifyEVChargingNeeds) and by external limits.

export const SITE_DEFAULTS: EvseDefaults = {
  current: 'AC',
  phases: 3,
  voltage: 230,
  maxCurrentA: 32,
  maxPowerW: 22_000,
  minCurrentA: 6,
}

export type Placement = {
  current?: 'AC' | 'DC' | null | undefined
  phases?: 1 | 2 | 3 | null | undefined
  voltage?: number | null | undefined
  maxCurrentA?: number | null | undefined
  maxPowerW?: number | null | undefined
}

/** The parts of NotifyEVChargingNeeds (2.0.1 / 2.1) that bound the power. */
export type EvNeeds = {
  requestedEnergyTransfer: string
  departureTime?: string | undefined
  acChargingParameters?:
    | { energyAmount: number; evMinCurrent: number; evMaxCurrent: number; evMaxVoltage: number }
    | undefined
  dcChargingParameters?:
    | {
        evMaxPower?: number | undefined
        energyAmount?: number | undefined
        evMaxCurrent: number
        evMaxVoltage: number
      }
    | undefined
}

export type EvseCapability = { electrical: Electrical; maxW: number; minW: number }

const PHASES_OF: Record<string, 1 | 2 | 3> = { AC_single_phase: 1, AC_two_phase: 2, AC_three_phase: 3 }

export function evseCapability(
  defaults: Partial<EvseDefaults>,
  placement: Placement | null,
  needs: EvNeeds | null,
  externalCapW: number | undefined,
): EvseCapability {
  const d = { ...SITE_DEFAULTS, ...defaults }
  const voltage = placement?.voltage ?? d.voltage
  let current = placement?.current ?? d.current
  let phases = placement?.phases ?? d.phases
  const maxPowerW = placement?.maxPowerW ?? d.maxPowerW
  let maxCurrentA = placement?.maxCurrentA ?? d.maxCurrentA
  let minCurrentA = Math.max(AC_MIN_CURRENT_A, d.minCurrentA)
  let evMaxPowerW = Number.POSITIVE_INFINITY
  if (needs) {
    if (needs.requestedEnergyTransfer === 'DC') current = 'DC'
    else if (PHASES_OF[needs.requestedEnergyTransfer]) {
      current = 'AC'
      phases = Math.min(phases, PHASES_OF[needs.requestedEnergyTransfer] as number) as 1 | 2 | 3
    }
    const ac = needs.acChargingParameters
    if (ac && current === 'AC') {
      maxCurrentA = Math.min(maxCurrentA, ac.evMaxCurrent)
      minCurrentA = Math.max(minCurrentA, ac.evMinCurrent)
    }
    const dc = needs.dcChargingParameters
    if (dc && current === 'DC') evMaxPowerW = dc.evMaxPower ?? dc.evMaxCurrent * dc.evMaxVoltage
  }
  const electrical: Electrical =
    current === 'DC' ? { current, phases: 3, voltage } : { current, phases, voltage }
  let maxW =
    current === 'DC' ? Math.min(maxPowerW, evMaxPowerW) : Math.min(maxPowerW, maxCurrentA * voltage * phases)
  if (externalCapW !== undefined) maxW = Math.min(maxW, externalCapW)
  const minW = current === 'DC' ? 0 : minCurrentA * voltage * phases
  return { electrical, maxW: Math.max(0, maxW), minW }
}

/** The energy (Wh) and departure an EV asked for, if it said. */
export function energyNeed(needs: EvNeeds): { energyWh: number; departureAt: number } | undefined {
  const energy = needs.acChargingParameters?.energyAmount ?? needs.dcChargingParameters?.energyAmount
  const departure = needs.departureTime === undefined ? undefined : Date.parse(needs.departureTime)
  if (energy === undefined || departure === undefined || Number.isNaN(departure)) return undefined
  return { energyWh: energy, departureAt: departure }
}

/** An external limit's schedule as node limits over time (A per phase or W). */
export function scheduleToLimits(schedules: readonly ScheduleLike[], setAt: number): ScheduledLimit[] {
  const s = schedules[0]
  if (!s) return []
  const start = s.startSchedule === undefined ? setAt : Date.parse(s.startSchedule)
  const end = s.duration === undefined ? undefined : start + s.duration * 1000
  const periods = [...s.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod)
  return periods.flatMap((p, i) => {
    const limit = p.limit ?? p.setpoint
    if (limit === undefined) return []
    const next = periods[i + 1]
    const to = next === undefined ? end : start + next.startPeriod * 1000
    return [
      {
        from: start + p.startPeriod * 1000,
        to,
        ...(s.chargingRateUnit === 'A' ? { limitA: limit } : { limitW: limit }),
      },
    ]
  })
}
