import { cpus, hostname, release, totalmem } from 'node:os'
import type { Counter } from '../metrics/fleet-stats.js'
import type { LatencySummary } from '../metrics/latency-histogram.js'
import type { ActionTotals, StatsAggregator, TimelinePoint } from '../metrics/stats-aggregator.js'
import type { Scenario } from '../scenario/scenario-schema.js'

/** Everything a run measured; written as JSON and rendered as HTML. */
export type RunReport = {
  scenario: {
    name: string
    description: string
    stations: number
    durationS: number
    faults: Scenario['faults']
  }
  target: string
  machine: { hostname: string; cpus: number; cpuModel: string; memoryGiB: number; node: string; os: string }
  processes: {
    count: number
    stationsPerProcess: number
    openFilesLimit: number | undefined
    sourceAddresses: string[]
  }
  startedAt: string
  endedAt: string
  summary: {
    stations: number
    peakConnected: number
    connectedAtEnd: number
    bootedAtEnd: number
    /** Seconds from the start until every station was connected and booted (undefined: never). */
    allBootedAfterS: number | undefined
    calls: number
    errors: number
    callsPerSecondPeak: number
    callsPerSecondMean: number
    latency: LatencySummary
    /** Successful WebSocket upgrades: TCP connect to open, the CSMS's admission included. */
    connectLatency: LatencySummary
  }
  /** For each storm: seconds until 99 % of the stations connected before it were booted again. */
  storms: { atS: number; before: number; recoveredAfterS: number | undefined; minConnected: number }[]
  counters: Partial<Record<Counter, number>>
  perAction: Record<string, ActionTotals>
  csmsCalls: Record<string, number>
  errors: Record<string, number>
  errorSamples: string[]
  timeline: TimelinePoint[]
}

export function machineInfo(): RunReport['machine'] {
  const cpu = cpus()
  return {
    hostname: hostname(),
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
  }
}

export function buildReport(o: {
  scenario: Scenario
  target: string
  agg: StatsAggregator
  startedAt: number
  endedAt: number
  processes: RunReport['processes']
}): RunReport {
  const { agg, scenario } = o
  const timeline = agg.timeline
  const active = timeline.filter((p) => p.calls > 0)
  const allBooted = timeline.find((p) => p.booted >= scenario.fleet.stations)
  const storms = scenario.faults
    .filter((f) => f.type === 'storm')
    .map((f) => {
      const atS = Math.floor(f.at / 1000)
      const before = timeline.filter((p) => p.t < atS - 1).at(-1)?.booted ?? 0
      const after = timeline.filter((p) => p.t > atS)
      const recovered = after.find((p) => p.booted >= before * 0.99)
      return {
        atS,
        before,
        recoveredAfterS: recovered ? recovered.t - atS : undefined,
        minConnected: after.length ? Math.min(...after.slice(0, 30).map((p) => p.connected)) : 0,
      }
    })
  const gauges = agg.gauges()
  return {
    scenario: {
      name: scenario.name,
      description: scenario.description,
      stations: scenario.fleet.stations,
      durationS: scenario.duration / 1000,
      faults: scenario.faults,
    },
    target: o.target,
    machine: machineInfo(),
    processes: o.processes,
    startedAt: new Date(o.startedAt).toISOString(),
    endedAt: new Date(o.endedAt).toISOString(),
    summary: {
      stations: scenario.fleet.stations,
      peakConnected: agg.peakConnected,
      connectedAtEnd: gauges.connected,
      bootedAtEnd: gauges.booted,
      allBootedAfterS: allBooted?.t,
      calls: agg.totalCalls,
      errors: agg.totalErrors,
      callsPerSecondPeak: Math.max(0, ...timeline.map((p) => p.calls)),
      callsPerSecondMean: active.length ? Math.round(agg.totalCalls / Math.max(1, timeline.length)) : 0,
      latency: agg.latency(),
      connectLatency: agg.connectLatency(),
    },
    storms,
    counters: agg.counters,
    perAction: agg.perAction(),
    csmsCalls: agg.csmsCalls,
    errors: agg.errors,
    errorSamples: agg.errorSamples,
    timeline,
  }
}
