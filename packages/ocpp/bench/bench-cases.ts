import type { OcppVersion } from '../src/versions.js'

/** One station frame to parse and validate, as the gateway receives it. */
export type BenchCase = { name: string; version: OcppVersion; action: string; raw: string }

const ID = 'c7a5b3b4-2f11-4b3e-9a7c-1f0e2d3c4b5a'
const at = (minute: number) => `2024-05-01T12:${String(minute).padStart(2, '0')}:00.000Z`

function call(action: string, payload: unknown): string {
  return JSON.stringify([2, ID, action, payload])
}

/** A TransactionEvent(Updated) as a DC charger sends it every minute: 4 meter readings of 6 values. */
function transactionEvent(): unknown {
  const sampled = (i: number) => [
    { value: 125_000 + i * 800, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
    { value: 48_000, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 0 } },
    { value: 118.5, measurand: 'Current.Import', location: 'Outlet' },
    { value: 405.2, measurand: 'Voltage', context: 'Sample.Periodic' },
    { value: 57 + i, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
    { value: 49.98, measurand: 'Frequency' },
  ]
  return {
    eventType: 'Updated',
    timestamp: at(4),
    triggerReason: 'MeterValuePeriodic',
    seqNo: 17,
    transactionInfo: { transactionId: 'f3c1d2e4-5a6b-4c7d-8e9f-0a1b2c3d4e5f', chargingState: 'Charging' },
    evse: { id: 1, connectorId: 1 },
    idToken: { idToken: '04A2B3C4D5E6F7', type: 'ISO14443' },
    meterValue: [0, 1, 2, 3].map((i) => ({ timestamp: at(i), sampledValue: sampled(i) })),
  }
}

/** A NotifyReport page of 100 device-model variables, as a GetBaseReport(FullInventory) answer arrives. */
function notifyReport(): unknown {
  return {
    requestId: 42,
    generatedAt: at(0),
    seqNo: 0,
    tbc: true,
    reportData: Array.from({ length: 100 }, (_, i) => ({
      component: {
        name: ['EVSE', 'Connector', 'SmartChargingCtrlr', 'TxCtrlr', 'OCPPCommCtrlr'][i % 5],
        evse: { id: 1 + (i % 2) },
      },
      variable: { name: `Variable${i}`, instance: i % 3 === 0 ? 'Default' : undefined },
      variableAttribute: [
        { type: 'Actual', value: String(i * 7), mutability: 'ReadWrite', persistent: true, constant: false },
      ],
      variableCharacteristics: {
        dataType: 'integer',
        supportsMonitoring: i % 2 === 0,
        unit: 'W',
        maxLimit: 22_000,
      },
    })),
  }
}

export const BENCH_CASES: BenchCase[] = [
  { name: 'small: Heartbeat', version: 'v201', action: 'Heartbeat', raw: call('Heartbeat', {}) },
  {
    name: 'medium: StatusNotification',
    version: 'v201',
    action: 'StatusNotification',
    raw: call('StatusNotification', {
      timestamp: at(0),
      connectorStatus: 'Occupied',
      evseId: 1,
      connectorId: 1,
    }),
  },
  {
    name: 'large: TransactionEvent, 24 meter values',
    version: 'v201',
    action: 'TransactionEvent',
    raw: call('TransactionEvent', transactionEvent()),
  },
  {
    name: 'large: NotifyReport, 100 variables',
    version: 'v201',
    action: 'NotifyReport',
    raw: call('NotifyReport', notifyReport()),
  },
]
