import type { Actions } from '../generated/v21.js'
import type { Sender } from './sender.js'
import { V201_SENDERS } from './v201-senders.js'

/**
 * OCPP 2.1 keeps every 2.0.1 action in its 2.0.1 direction and adds these (part 2, per use case).
 * NotifyPeriodicEventStream is the one message that travels in a SEND frame and gets no answer.
 */
export const V21_SENDERS = {
  ...V201_SENDERS,
  BatterySwap: 'station',
  ClosePeriodicEventStream: 'station',
  GetCertificateChainStatus: 'station',
  NotifyDERAlarm: 'station',
  NotifyDERStartStop: 'station',
  NotifyPeriodicEventStream: 'station',
  NotifyPriorityCharging: 'station',
  NotifySettlement: 'station',
  OpenPeriodicEventStream: 'station',
  PullDynamicScheduleUpdate: 'station',
  ReportDERControl: 'station',
  VatNumberValidation: 'station',

  AFRRSignal: 'csms',
  AdjustPeriodicEventStream: 'csms',
  ChangeTransactionTariff: 'csms',
  ClearDERControl: 'csms',
  ClearTariffs: 'csms',
  GetDERControl: 'csms',
  GetPeriodicEventStream: 'csms',
  GetTariffs: 'csms',
  NotifyAllowedEnergyTransfer: 'csms',
  NotifyWebPaymentStarted: 'csms',
  RequestBatterySwap: 'csms',
  SetDERControl: 'csms',
  SetDefaultTariff: 'csms',
  UpdateDynamicSchedule: 'csms',
  UsePriorityCharging: 'csms',
} as const satisfies Record<keyof Actions, Sender>

/** Actions carried by a SEND frame (2.1 part 4): no CALLRESULT, no CALLERROR. */
export const V21_SEND_ACTIONS: ReadonlySet<string> = new Set(['NotifyPeriodicEventStream'])
