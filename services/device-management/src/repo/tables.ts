import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
/** A timestamp the database fills in when an insert leaves it out. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** jsonb: read as the value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>
type Bigserial = ColumnType<string, never, never>

export type StationsTable = {
  id: string
  registered: Generated<boolean>
  site_id: string | null
  labels: ColumnType<Record<string, string>, string | undefined, string>
  vendor: string | null
  model: string | null
  serial_number: string | null
  firmware_version: string | null
  boot_reason: string | null
  registration_status: string | null
  registration_policy: string | null
  monitoring_base: string | null
  monitoring_level: number | null
  last_boot_at: Timestamp | null
  protocol: string | null
  connected: Generated<boolean>
  connection_id: string | null
  gateway_id: string | null
  connected_at: Timestamp | null
  disconnected_at: Timestamp | null
  /** Set when marked offline because its gateway pod fell silent; cleared by any news of it. */
  gateway_lost_at: Timestamp | null
  last_seen_at: Timestamp | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export type ConnectorStatusTable = {
  station_id: string
  evse_id: number
  connector_id: number
  status: string
  status_at: Timestamp
  updated_at: DefaultedTimestamp
}

export type DeviceVariablesTable = {
  id: Bigserial
  station_id: string
  component: string
  component_instance: string
  evse_id: number
  connector_id: number
  variable: string
  variable_instance: string
  data_type: string | null
  unit: string | null
  min_limit: number | null
  max_limit: number | null
  values_list: string | null
  supports_monitoring: boolean | null
  updated_at: DefaultedTimestamp
}

export type DeviceVariableAttributesTable = {
  variable_id: string
  type: string
  value: string | null
  mutability: string | null
  persistent: boolean | null
  constant: boolean | null
  source: string
  last_set_status: string | null
  updated_at: DefaultedTimestamp
}

export type DeviceMonitorsTable = {
  station_id: string
  monitor_id: number
  component: Json<unknown>
  variable: Json<unknown>
  type: string
  value: number
  severity: number
  transaction: boolean
  source: string
  /** CustomMonitor, PreconfiguredMonitor or HardWiredMonitor; null when not known. */
  kind: string | null
  updated_at: DefaultedTimestamp
}

export type DeviceEventsTable = {
  id: Bigserial
  station_id: string
  event_id: number
  timestamp: Timestamp
  trigger: string
  cause: number | null
  actual_value: string
  tech_code: string | null
  tech_info: string | null
  cleared: boolean
  transaction_id: string | null
  variable_monitoring_id: number | null
  event_notification_type: string
  severity: number | null
  component: Json<unknown>
  variable: Json<unknown>
  received_at: DefaultedTimestamp
}

export type SecurityEventsTable = {
  id: Bigserial
  station_id: string
  type: string
  timestamp: Timestamp
  tech_info: string | null
  received_at: DefaultedTimestamp
}

export type JobsTable = {
  id: Bigserial
  station_id: string
  kind: string
  request_id: number
  campaign_id: string | null
  request: ColumnType<unknown, string | null, string | null>
  response_status: string | null
  status: string
  outcome: string
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
  finished_at: Timestamp | null
}

export type JobHistoryTable = {
  id: Bigserial
  job_id: string
  status: string
  at: Timestamp
  info: ColumnType<unknown, string | null, string | null>
}

export type CampaignsTable = {
  id: Bigserial
  name: string | null
  kind: string
  status: string
  selector: Json<unknown>
  payload: Json<unknown>
  concurrency: number
  failure_threshold: number
  target_timeout_s: number
  paused_reason: string | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
  finished_at: Timestamp | null
}

export type CampaignTargetsTable = {
  campaign_id: string
  station_id: string
  state: string
  job_id: string | null
  error: string | null
  started_at: Timestamp | null
  finished_at: Timestamp | null
}

export type DisplayMessagesTable = {
  station_id: string
  message_id: number
  priority: string
  state: string | null
  start_date_time: Timestamp | null
  end_date_time: Timestamp | null
  transaction_id: string | null
  message: Json<unknown>
  display: ColumnType<unknown, string | null, string | null>
  source: string
  updated_at: DefaultedTimestamp
}

export type DeviceManagementDb = {
  stations: StationsTable
  connector_status: ConnectorStatusTable
  device_variables: DeviceVariablesTable
  device_variable_attributes: DeviceVariableAttributesTable
  device_monitors: DeviceMonitorsTable
  device_events: DeviceEventsTable
  security_events: SecurityEventsTable
  jobs: JobsTable
  job_history: JobHistoryTable
  campaigns: CampaignsTable
  campaign_targets: CampaignTargetsTable
  display_messages: DisplayMessagesTable
}
