import type { ColumnType, Generated } from 'kysely'

type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type StationCredentialsTable = {
  station_id: string
  security_profile: Generated<number>
  password_hash: string | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export type AuthDb = { station_credentials: StationCredentialsTable }
