import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
/** A timestamp the database fills in when an insert leaves it out. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** jsonb: read as the value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>

export type StationCredentialsTable = {
  station_id: string
  security_profile: Generated<number>
  password_hash: string | null
  pending_password_hash: string | null
  pending_since: Timestamp | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export type PersonalMessageColumn = { format: string; language?: string; content: string }

export type IdTokensTable = {
  id_token: string
  type: string
  status: string
  expires_at: Timestamp | null
  group_id_token: string | null
  group_type: string | null
  language1: string | null
  language2: string | null
  charging_priority: number | null
  evse_ids: number[] | null
  station_ids: string[] | null
  personal_message: Json<PersonalMessageColumn> | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export type StationAuthTable = {
  station_id: string
  accept_unknown_id_tokens: boolean | null
  protocol: string | null
  connected_at: Timestamp | null
  updated_at: DefaultedTimestamp
}

export type LocalListsTable = {
  station_id: string
  synced_version: Generated<number>
  lease_owner: string | null
  lease_until: Timestamp | null
  last_sync_at: Timestamp | null
  last_sync_status: string | null
  updated_at: DefaultedTimestamp
}

export type LocalListEntriesTable = {
  station_id: string
  id_token: string
  type: string
  removed: Generated<boolean>
  pending: Generated<boolean>
  /** bigint: pg returns it as a string. */
  change_seq: ColumnType<string, string | bigint | number, string | bigint | number>
}

export type IssuedCertificatesTable = {
  serial_number: string
  station_id: string
  certificate_type: string
  subject: string
  not_after: Timestamp
  pem: string
  delivery_status: string
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export type HashDataColumn = {
  hashAlgorithm: string
  issuerNameHash: string
  issuerKeyHash: string
  serialNumber: string
}

export type StationCertificatesTable = {
  station_id: string
  certificate_type: string
  hash_algorithm: string
  issuer_name_hash: string
  issuer_key_hash: string
  serial_number: string
  child_certificates: ColumnType<HashDataColumn[], string | undefined, string>
  reported_at: DefaultedTimestamp
}

export type AuthDb = {
  station_credentials: StationCredentialsTable
  id_tokens: IdTokensTable
  station_auth: StationAuthTable
  local_lists: LocalListsTable
  local_list_entries: LocalListEntriesTable
  issued_certificates: IssuedCertificatesTable
  station_certificates: StationCertificatesTable
}
