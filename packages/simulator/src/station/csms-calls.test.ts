import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { actionInfo, actionsOf, type OcppVersion, validateRequest, validateResponse } from '@csms/ocpp'
import { z } from 'zod'
import { FleetStats } from '../metrics/fleet-stats.js'
import { BehaviourSchema } from '../scenario/scenario-schema.js'
import { createRandom } from '../util/random.js'
import { handleCsmsCallV2 } from './csms-calls-v2.js'
import { handleCsmsCallV16 } from './csms-calls-v16.js'
import { Station } from './station.js'

// Every CSMS-initiated action of each version gets a schema-valid answer (or NotSupported for
// the optional features a station model lacks, listed here so the list cannot grow unnoticed).

type Json = {
  type?: string
  properties?: Record<string, Json>
  required?: string[]
  items?: Json
  enum?: unknown[]
  anyOf?: Json[]
  const?: unknown
  minItems?: number
}

const DATE = /(time|date|timestamp|validfrom|validto|startschedule|expiry)/i
const URL = /(location|url|uri)$/i

/** The smallest payload the schema accepts: required fields only, first enum values. */
function sample(schema: Json, name = ''): unknown {
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  if (schema.anyOf) return sample(schema.anyOf[0] as Json, name)
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key] ?? {}, key)
      return out
    }
    case 'array':
      return [sample(schema.items ?? {}, name)]
    case 'string':
      return DATE.test(name)
        ? new Date(Date.now() + 60_000).toISOString()
        : URL.test(name)
          ? 'https://example.com/file.bin'
          : 'x'
    case 'number':
    case 'integer':
      return name === 'duration' ? 600 : 1
    case 'boolean':
      return false
    default:
      return {}
  }
}

const UNSUPPORTED: Record<OcppVersion, readonly string[]> = {
  v16: [
    'CertificateSigned',
    'DeleteCertificate',
    'ExtendedTriggerMessage',
    'GetInstalledCertificateIds',
    'GetLog',
    'InstallCertificate',
    'SignedUpdateFirmware',
  ],
  v201: ['PublishFirmware', 'UnpublishFirmware'],
  v21: [
    'AdjustPeriodicEventStream',
    'ChangeTransactionTariff',
    'ClearTariffs',
    'GetPeriodicEventStream',
    'GetTariffs',
    'NotifyWebPaymentStarted',
    'PublishFirmware',
    'RequestBatterySwap',
    'SetDefaultTariff',
    'UnpublishFirmware',
  ],
}

const MODELS = {
  v16: ['ac-legacy-16', 'ocpp1.6'],
  v201: ['ac-2x22', 'ocpp2.0.1'],
  v21: ['v2g-bidi', 'ocpp2.1'],
} as const

function aStation(v: OcppVersion): Station {
  const [model, protocol] = MODELS[v]
  return new Station({
    spec: { id: `T-${v}`, model, protocol },
    url: 'ws://127.0.0.1:1/ocpp',
    behaviour: BehaviourSchema.parse({}),
    stats: new FleetStats(),
    random: createRandom(1),
  })
}

describe('answers to CSMS-initiated calls', () => {
  for (const v of ['v16', 'v201', 'v21'] as const) {
    it(`answers every CSMS-initiated ${v} action per the official schema`, async () => {
      const station = aStation(v)
      const unsupported: string[] = []
      let answered = 0
      for (const action of actionsOf(v)) {
        const info = actionInfo(v, action)
        if (!info || info.sender === 'station' || info.transport === 'send') continue
        const request = sample(z.toJSONSchema(info.request, { unrepresentable: 'any' }) as Json)
        const valid = validateRequest(v, action, request)
        assert.ok(
          valid.ok,
          `sample ${action} request fails its schema: ${valid.ok ? '' : valid.error.description}`,
        )
        const answer =
          v === 'v16'
            ? await handleCsmsCallV16(station, action, request)
            : await handleCsmsCallV2(station, action, request)
        if ('error' in answer) {
          assert.equal(answer.error, 'NotSupported', `${action}: ${answer.error}`)
          unsupported.push(action)
          continue
        }
        const checked = validateResponse(v, action, answer.result)
        assert.ok(
          checked.ok,
          `${v} ${action} answer ${JSON.stringify(answer.result)}: ${checked.ok ? '' : checked.error.description}`,
        )
        answered++
      }
      assert.deepEqual(unsupported.sort(), [...UNSUPPORTED[v]].sort())
      assert.ok(answered >= 18, `${answered} actions answered`)
    })
  }

  it('applies what it is told: variables, availability and charging profiles', async () => {
    const st = aStation('v201')
    await handleCsmsCallV2(st, 'SetVariables', {
      setVariableData: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeValue: '42',
        },
      ],
    })
    assert.equal(st.heartbeatIntervalS, 42)
    const ro = await handleCsmsCallV2(st, 'SetVariables', {
      setVariableData: [
        { component: { name: 'ChargingStation' }, variable: { name: 'Model' }, attributeValue: 'hack' },
      ],
    })
    assert.deepEqual(
      'result' in ro &&
        (ro.result as { setVariableResult: { attributeStatus: string }[] }).setVariableResult[0]
          ?.attributeStatus,
      'Rejected',
    )
    const avail = await handleCsmsCallV2(st, 'ChangeAvailability', {
      operationalStatus: 'Inoperative',
      evse: { id: 2 },
    })
    avail.after?.()
    assert.equal(st.evses[1]?.operative, false)
    assert.equal(st.state.evses[1]?.connectors[0]?.status, 'Unavailable')
    const profile = {
      evseId: 0,
      chargingProfile: {
        id: 7,
        stackLevel: 0,
        chargingProfilePurpose: 'ChargingStationMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11_000 }] },
        ],
      },
    }
    const set = await handleCsmsCallV2(st, 'SetChargingProfile', profile)
    set.after?.()
    assert.equal(st.profiles.length, 1)
    const composite = await handleCsmsCallV2(st, 'GetCompositeSchedule', {
      evseId: 1,
      duration: 600,
      chargingRateUnit: 'W',
    })
    const periods =
      'result' in composite
        ? (composite.result as { schedule: { chargingSchedulePeriod: { limit: number }[] } }).schedule
            .chargingSchedulePeriod
        : []
    assert.deepEqual(
      periods.map((p) => p.limit),
      [11_000],
    )
    const negative = await handleCsmsCallV2(st, 'SetChargingProfile', {
      evseId: 0,
      chargingProfile: {
        ...profile.chargingProfile,
        id: 8,
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: -5_000 }] },
        ],
      },
    })
    assert.deepEqual(
      'result' in negative && negative.result,
      { status: 'Rejected' },
      'a 2.0.1 AC station cannot discharge',
    )
  })
})
