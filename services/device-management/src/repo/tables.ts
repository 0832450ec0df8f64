import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
/** A timestamp the database fills in when an insert leaves it out. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

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
  last_boot_at: Timestamp | null
  protocol: string | null
  connected: Generated<boolean>
  connection_id: string | null
  gateway_id: string | null
  connected_at: Timestamp | null
  disconnected_at: Timestamp | null
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

export type DeviceManagementDb = {
  stations: StationsTable
  connector_status: ConnectorStatusTable
}
