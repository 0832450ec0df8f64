export { type CliCommand, parseArgs, USAGE, UsageError } from './cli/args.js'
export {
  type Fleet,
  type FleetOptions,
  type FleetStationInput,
  type SimStation,
  startFleet,
} from './fleet/fleet.js'
export { FleetEngine, type FleetEngineOptions } from './fleet/fleet-engine.js'
export { planFleet, splitFleet } from './fleet/fleet-plan.js'
export { type RunOptions, type RunResult, runScenario } from './fleet/run-scenario.js'
export { type Counter, type ErrorKind, FleetStats, type StatsSnapshot } from './metrics/fleet-stats.js'
export {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  type LatencySummary,
  recordLatencyMs,
  summarizeLatency,
} from './metrics/latency-histogram.js'
export { type ActionTotals, StatsAggregator, type TimelinePoint } from './metrics/stats-aggregator.js'
export {
  compositeSchedule,
  evseLimitAt,
  profileLimitAt,
  type StoredProfile,
} from './model/charging-profiles.js'
export { allowedPowerW, applyEnergy, drawEv, type Ev, evAcceptanceW } from './model/ev.js'
export { EnergyMeter, type MeterReading } from './model/meter.js'
export {
  STATION_MODEL_NAMES,
  STATION_MODELS,
  type StationModel,
  type StationModelName,
} from './model/station-models.js'
export { BACKOFF_DEFAULTS, type BackoffPolicy, backoffBounds, backoffDelay } from './net/backoff.js'
export { type CallOutcome, ConnectError, OcppConnection } from './net/ocpp-connection.js'
export { loopbackSourceAddresses } from './net/source-addresses.js'
export { renderHtmlReport } from './report/html-report.js'
export { buildReport, type RunReport } from './report/run-report.js'
export {
  BUILTIN_SCENARIO_DIR,
  builtinScenarioNames,
  checkScenario,
  loadScenario,
  parseScenario,
  withOverrides,
} from './scenario/load-scenario.js'
export { ScenarioError } from './scenario/scenario-error.js'
export {
  type Behaviour,
  type Fault,
  type Scenario,
  type ScenarioInput,
  ScenarioSchema,
} from './scenario/scenario-schema.js'
export type { ReceivedCall, StationSpec, StationState } from './station/station-types.js'
export { parseDuration } from './util/duration.js'
