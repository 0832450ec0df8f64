import type { OcppSubprotocol } from '@csms/ocpp'
import type { Ev } from '../model/ev.js'
import type { EnergyMeter } from '../model/meter.js'
import type { EvseSpec, StationModelName } from '../model/station-models.js'

export type StationSpec = {
  id: string
  model: StationModelName
  protocol: OcppSubprotocol
  /** Basic-auth password (security profile 1). */
  password?: string
}

/** A connector's state independent of protocol; 2.x and 1.6 each map it onto their statuses. */
export type ConnectorState =
  | 'available'
  | 'occupied'
  | 'charging'
  | 'suspendedEV'
  | 'suspendedEVSE'
  | 'finishing'
  | 'reserved'
  | 'unavailable'
  | 'faulted'

export type ChargingState = 'EVConnected' | 'Charging' | 'SuspendedEV' | 'SuspendedEVSE' | 'Idle'

export type Transaction = {
  /** Our id (2.x); in 1.6 the CSMS assigns `csmsId` in the StartTransaction answer. */
  id: string
  csmsId?: number
  startedAt: number
  seqNo: number
  chargingState: ChargingState
  meterStartWh: number
  /** The CSMS refused or could not take the start (CALLERROR): no further messages for it. */
  failed: boolean
  ended: boolean
}

export type Session = {
  connectorId: number
  ev: Ev
  idToken: string
  remoteStartId?: number
  tx?: Transaction
  /** Import minus export at the last power change, to move the EV's state of charge. */
  lastNetWh: number
  powerW: number
  limitW: number | undefined
  meterTimer?: NodeJS.Timeout
  powerTimer?: NodeJS.Timeout
  departureTimer?: NodeJS.Timeout
}

export type Evse = {
  id: number
  spec: EvseSpec
  connectors: { id: number; type: string; state: ConnectorState; sent: string | undefined }[]
  operative: boolean
  /** ChangeAvailability answered Scheduled: applied when the session ends. */
  scheduledOperative: boolean | undefined
  meter: EnergyMeter
  session: Session | undefined
  reservation: { id: number; idToken: string; expiresAt: number } | undefined
  arrivalTimer: NodeJS.Timeout | undefined
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'rebooting' | 'stopped'
export type BootStatus = 'None' | 'Pending' | 'Accepted' | 'Rejected'

/** A CSMS-initiated call as the station received and answered it. */
export type ReceivedCall = {
  action: string
  payload: unknown
  answer: { result: unknown } | { error: string }
  at: Date
}

/** What a test (or the live view) can see of a station at an instant. */
export type StationState = {
  id: string
  model: StationModelName
  protocol: OcppSubprotocol
  connection: ConnectionState
  bootStatus: BootStatus
  heartbeatIntervalS: number
  connects: number
  reboots: number
  offlineQueue: number
  firmware: { version: string; status: string; requestId: number | undefined }
  evses: {
    id: number
    operative: boolean
    connectors: { id: number; type: string; status: string }[]
    transactionId: string | undefined
    chargingState: ChargingState | undefined
    idToken: string | undefined
    powerW: number
    limitW: number | undefined
    energyImportWh: number
    energyExportWh: number
    soc: number | undefined
  }[]
  profiles: number
}
