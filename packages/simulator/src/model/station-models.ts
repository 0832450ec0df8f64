import type { OcppSubprotocol } from '@csms/ocpp'

/** One physical outlet on an EVSE. */
export type ConnectorSpec = {
  /** OCPP 2.0.1 ConnectorEnumType values (cType2, cCCS2, cCHAdeMO, …). */
  type: string
}

export type EvseSpec = {
  connectors: readonly ConnectorSpec[]
  current: 'AC' | 'DC'
  maxPowerW: number
  /** Discharge capability (V2G); 0 when the EVSE is charge-only. */
  maxDischargePowerW: number
  phases: number
  voltage: number
}

export type StationModel = {
  name: StationModelName
  description: string
  vendor: string
  model: string
  firmwareVersion: string
  protocols: readonly OcppSubprotocol[]
  evses: readonly EvseSpec[]
  /** Talks ISO 15118 with the EV, so it reports the EV's charging needs. */
  iso15118: boolean
}

export const STATION_MODEL_NAMES = ['ac-2x22', 'dc-150', 'v2g-bidi', 'ac-legacy-16'] as const
export type StationModelName = (typeof STATION_MODEL_NAMES)[number]

const ac22: EvseSpec = {
  connectors: [{ type: 'cType2' }],
  current: 'AC',
  maxPowerW: 22_000,
  maxDischargePowerW: 0,
  phases: 3,
  voltage: 230,
}

export const STATION_MODELS: Readonly<Record<StationModelName, StationModel>> = {
  'ac-2x22': {
    name: 'ac-2x22',
    description: 'AC wallbox pillar, two EVSEs of 22 kW with a Type 2 socket each',
    vendor: 'SimCharge',
    model: 'AC-2x22',
    firmwareVersion: '2.4.1',
    protocols: ['ocpp2.0.1', 'ocpp2.1'],
    evses: [ac22, ac22],
    iso15118: false,
  },
  'dc-150': {
    name: 'dc-150',
    description: 'DC fast charger, one 150 kW EVSE with a CCS2 and a CHAdeMO connector',
    vendor: 'SimCharge',
    model: 'DC-150',
    firmwareVersion: '5.0.3',
    protocols: ['ocpp2.0.1', 'ocpp2.1'],
    evses: [
      {
        connectors: [{ type: 'cCCS2' }, { type: 'cCHAdeMO' }],
        current: 'DC',
        maxPowerW: 150_000,
        maxDischargePowerW: 0,
        phases: 3,
        voltage: 400,
      },
    ],
    iso15118: true,
  },
  'v2g-bidi': {
    name: 'v2g-bidi',
    description: 'bidirectional DC wallbox (V2G), 22 kW charge and 11 kW discharge over CCS2',
    vendor: 'SimCharge',
    model: 'V2G-BiDi',
    firmwareVersion: '1.2.0',
    protocols: ['ocpp2.1'],
    evses: [
      {
        connectors: [{ type: 'cCCS2' }],
        current: 'DC',
        maxPowerW: 22_000,
        maxDischargePowerW: 11_000,
        phases: 3,
        voltage: 400,
      },
    ],
    iso15118: true,
  },
  'ac-legacy-16': {
    name: 'ac-legacy-16',
    description: 'legacy OCPP 1.6J AC station, two 11 kW sockets',
    vendor: 'OldCharge',
    model: 'AC-16-2x11',
    firmwareVersion: '1.9.7',
    protocols: ['ocpp1.6'],
    evses: [
      { ...ac22, maxPowerW: 11_000 },
      { ...ac22, maxPowerW: 11_000 },
    ],
    iso15118: false,
  },
}

export function isStationModelName(name: string): name is StationModelName {
  return (STATION_MODEL_NAMES as readonly string[]).includes(name)
}
