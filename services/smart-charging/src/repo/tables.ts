import type { ColumnType, Generated, JSONColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T extends object | null> = JSONColumnType<T, string, string>
type JsonDefaulted<T> = ColumnType<T, string | undefined, string>

export type NodesTable = {
  id: string
  site_id: string
  parent_id: string | null
  kind: 'site' | 'group'
  name: string | null
  limit_w: number | null
  limit_a: number | null
  firm_limit_w: number | null
  firm_limit_a: number | null
  schedule: JsonDefaulted<unknown[]>
  time_of_use: JsonDefaulted<unknown[]>
  defaults: JsonDefaulted<Record<string, unknown>>
  tx_default_limit: ColumnType<{ unit: 'A' | 'W'; limit: number } | null, string | null, string | null>
  updated_at: DefaultedTimestamp
}

export type StationPlacementsTable = {
  station_id: string
  node_id: string | null
  current: 'AC' | 'DC' | null
  phases: number | null
  voltage: number | null
  max_current_a: number | null
  max_power_w: number | null
  updated_at: DefaultedTimestamp
}

export type PriorityRulesTable = {
  id: string
  match: 'idToken' | 'group' | 'station'
  value: string
  priority: number
  windows: ColumnType<unknown[] | null, string | null, string | null>
  updated_at: DefaultedTimestamp
}

export type SessionsTable = {
  station_id: string
  evse_id: number
  transaction_id: string
  site_id: string | null
  node_id: string | null
  id_token: string | null
  group_id_token: string | null
  started_at: Timestamp
  charging_state: string | null
  energy_wh: Generated<number>
  measured_w: number | null
  measured_at: Timestamp | null
  deadline: ColumnType<unknown | null, string | null, string | null>
  bound_w: number | null
  profile_state: Generated<string>
  applied_w: number | null
  applied_a: number | null
  allocated_w: number | null
  allocated_a: number | null
  allocation_reason: string | null
  priority: number | null
  electrical: ColumnType<unknown | null, string | null, string | null>
  updated_at: DefaultedTimestamp
}

export type EvNeedsTable = {
  station_id: string
  evse_id: number
  version: string
  payload: Json<Record<string, unknown>>
  received_at: Timestamp
}

export type EvSchedulesTable = {
  station_id: string
  evse_id: number
  payload: Json<Record<string, unknown>>
  status: string
  received_at: Timestamp
}

export type ChargingProfilesTable = {
  station_id: string
  profile_id: number
  evse_id: number
  purpose: string
  stack_level: number
  transaction_id: string | null
  profile: Json<Record<string, unknown>>
  version: string
  source: string
  status: string
  status_info: ColumnType<unknown | null, string | null, string | null>
  set_at: Timestamp
  updated_at: DefaultedTimestamp
}

export type ReportedProfilesTable = {
  station_id: string
  request_id: number
  evse_id: number
  profile_id: number
  charging_limit_source: string
  profile: Json<Record<string, unknown>>
  reported_at: Timestamp
}

export type ExternalLimitsTable = {
  station_id: string
  evse_id: number
  source: string
  is_grid_critical: boolean | null
  schedules: Json<unknown[]>
  set_at: Timestamp
  cleared_at: Timestamp | null
}

export type CompositeChecksTable = {
  id: Generated<string>
  station_id: string
  evse_id: number
  checked_at: Timestamp
  matches: boolean
  payload: Json<Record<string, unknown>>
}

export type StationDefaultsTable = {
  station_id: string
  limit: Json<{ unit: 'A' | 'W'; limit: number }>
  status: string
  updated_at: DefaultedTimestamp
}

export type LeasesTable = { name: string; holder: string; expires_at: Timestamp }

export type SmartChargingDb = {
  nodes: NodesTable
  station_placements: StationPlacementsTable
  priority_rules: PriorityRulesTable
  sessions: SessionsTable
  ev_needs: EvNeedsTable
  ev_schedules: EvSchedulesTable
  charging_profiles: ChargingProfilesTable
  reported_profiles: ReportedProfilesTable
  external_limits: ExternalLimitsTable
  composite_checks: CompositeChecksTable
  station_defaults: StationDefaultsTable
  leases: LeasesTable
}
