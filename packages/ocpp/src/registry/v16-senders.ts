import type { Actions } from '../generated/v16.js'
import type { Sender } from './sender.js'

/**
 * OCPP 1.6 edition 2 §4 (operations initiated by the Charge Point) and §5 (by the Central System),
 * with the security whitepaper (edition 3) messages the 1.6 JSON schema set includes.
 */
export const V16_SENDERS = {
  Authorize: 'station',
  BootNotification: 'station',
  DataTransfer: 'both',
  DiagnosticsStatusNotification: 'station',
  FirmwareStatusNotification: 'station',
  Heartbeat: 'station',
  MeterValues: 'station',
  StartTransaction: 'station',
  StatusNotification: 'station',
  StopTransaction: 'station',
  LogStatusNotification: 'station',
  SecurityEventNotification: 'station',
  SignCertificate: 'station',
  SignedFirmwareStatusNotification: 'station',

  CancelReservation: 'csms',
  ChangeAvailability: 'csms',
  ChangeConfiguration: 'csms',
  ClearCache: 'csms',
  ClearChargingProfile: 'csms',
  GetCompositeSchedule: 'csms',
  GetConfiguration: 'csms',
  GetDiagnostics: 'csms',
  GetLocalListVersion: 'csms',
  RemoteStartTransaction: 'csms',
  RemoteStopTransaction: 'csms',
  ReserveNow: 'csms',
  Reset: 'csms',
  SendLocalList: 'csms',
  SetChargingProfile: 'csms',
  TriggerMessage: 'csms',
  UnlockConnector: 'csms',
  UpdateFirmware: 'csms',
  CertificateSigned: 'csms',
  DeleteCertificate: 'csms',
  ExtendedTriggerMessage: 'csms',
  GetInstalledCertificateIds: 'csms',
  GetLog: 'csms',
  InstallCertificate: 'csms',
  SignedUpdateFirmware: 'csms',
} as const satisfies Record<keyof Actions, Sender>
