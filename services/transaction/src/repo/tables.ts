import type { ColumnType } from 'kysely'
import type { TxDoc } from '../domain/transaction-state.js'
import type { SampleTuple } from './meter-rows.js'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** int8 and numeric come back from pg as strings. */
type BigIntId = ColumnType<string, never, never>
type Json<T> = ColumnType<T, string, string>

export type TransactionsTable = {
  id: BigIntId
  station_id: string
  transaction_id: string
  protocol: string
  state: string
  evse_id: number | null
  started_at: Timestamp | null
  ended_at: Timestamp | null
  sort_at: Timestamp
  energy_wh: number
  id_token: string | null
  remote_start_id: number | null
  total_cost: ColumnType<string | null, number | null, number | null>
  legacy_key: string | null
  remote_stop_requested_at: Timestamp | null
  remote_stop_status: string | null
  doc: Json<TxDoc>
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export type MeterValuesTable = {
  sampled_at: Timestamp
  station_id: string
  evse_id: number
  tx_id: string | null
  seq_no: string | null
  register_wh: number | null
  digest: string
  samples: Json<SampleTuple[]>
}

export type RemoteStartsTable = {
  id: BigIntId
  station_id: string
  remote_start_id: number | null
  protocol: string
  evse_id: number | null
  id_token: string
  id_token_type: string | null
  status: string
  transaction_id: string | null
  requested_at: DefaultTimestamp
  linked_at: Timestamp | null
}

export type ReservationsTable = {
  station_id: string
  reservation_id: number
  protocol: string
  evse_id: number | null
  id_token: string
  id_token_type: string | null
  group_id_token: string | null
  expires_at: Timestamp
  status: string
  transaction_id: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export type TariffsTable = {
  id: string
  scope: string
  scope_key: string
  currency: string
  price_per_kwh: number
  price_per_minute: number
  updated_at: DefaultTimestamp
}

export type TransactionDb = {
  transactions: TransactionsTable
  meter_values: MeterValuesTable
  remote_starts: RemoteStartsTable
  reservations: ReservationsTable
  tariffs: TariffsTable
}
