import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { DeviceVariableView, JobView } from '@csms/bus'
import { fakeStation } from './support/fake-station.js'
import { type Harness, json, startHarness } from './support/harness.js'

type Page = { items: DeviceVariableView[]; next: string | null; total: number }

/** Part `seqNo` of a report: 100 variables over the station, EVSEs and connectors. */
function reportPart(requestId: number, seqNo: number, tbc: boolean) {
  const reportData = Array.from({ length: 100 }, (_, i) => {
    const n = seqNo * 100 + i
    const name = `Var${String(n).padStart(4, '0')}`
    const component =
      n % 3 === 0
        ? { name: 'ChargingStation' }
        : n % 3 === 1
          ? { name: 'EVSE', evse: { id: (n % 4) + 1 } }
          : { name: 'Connector', evse: { id: (n % 4) + 1, connectorId: 1 } }
    return {
      component,
      variable: { name },
      variableAttribute: [
        {
          type: 'Actual' as const,
          value: String(n),
          mutability: n % 5 === 0 ? ('ReadOnly' as const) : ('ReadWrite' as const),
        },
        ...(n % 2 === 0 ? [{ type: 'MaxSet' as const, value: String(n * 10) }] : []),
      ],
      variableCharacteristics: {
        dataType: 'integer' as const,
        unit: 'W',
        maxLimit: 100_000,
        supportsMonitoring: n % 7 === 0,
      },
    }
  })
  return { requestId, generatedAt: new Date().toISOString(), seqNo, tbc, reportData }
}

describe('the device model: reports and Get/SetVariables through the operator API', () => {
  let h: Harness

  before(async () => {
    h = await startHarness({ api: true })
  })
  after(async () => {
    await h?.stop()
  })

  const variables = async (stationId: string, query: string) =>
    json<Page>(await h.api(`/v1/stations/${stationId}/variables?${query}`))
  const one = async (stationId: string, variable: string) => {
    const page = await variables(stationId, `variable=${variable}`)
    assert.equal(page.items.length, 1, `one ${variable}`)
    return page.items[0] as DeviceVariableView
  }

  it('stores a NotifyReport of 1,000 variables in 10 parts and serves it through the API', async () => {
    await h.bootStation('DM-MODEL-1')
    const station = fakeStation(h.nc, 'DM-MODEL-1', { GetBaseReport: () => ({ status: 'Accepted' }) })
    try {
      const job = await json<JobView>(
        await h.api('/v1/stations/DM-MODEL-1/reports', {
          method: 'POST',
          body: JSON.stringify({ reportBase: 'FullInventory' }),
        }),
        201,
      )
      assert.deepEqual(station.calls, [
        { action: 'GetBaseReport', payload: { requestId: job.requestId, reportBase: 'FullInventory' } },
      ])
      assert.equal(job.status, 'Accepted')
      for (let seqNo = 0; seqNo < 10; seqNo++) {
        await h.ok('v201', 'NotifyReport', 'DM-MODEL-1', reportPart(job.requestId, seqNo, seqNo < 9))
        // A station that got no answer sends the part again: it changes nothing.
        if (seqNo === 3)
          await h.ok('v201', 'NotifyReport', 'DM-MODEL-1', reportPart(job.requestId, seqNo, true))
      }

      const done = await json<JobView>(await h.api(`/v1/jobs/${job.id}`))
      assert.equal(done.outcome, 'succeeded')
      assert.equal(done.status, 'Completed')
      assert.deepEqual(
        done.history.map((e) => e.status),
        ['Requested', 'Accepted', ...Array(9).fill('Receiving'), 'Completed'],
      )

      const seen = new Set<string>()
      let after: string | null = null
      do {
        const page: Page = await variables('DM-MODEL-1', `limit=400${after ? `&after=${after}` : ''}`)
        assert.equal(page.total, 1000)
        for (const v of page.items)
          seen.add(`${v.component.name}/${v.component.evse?.id ?? '-'}/${v.variable.name}`)
        after = page.next
      } while (after)
      assert.equal(seen.size, 1000)

      const connectors = await variables('DM-MODEL-1', 'component=Connector&limit=1')
      assert.equal(connectors.total, 333)
      const evse2 = await variables('DM-MODEL-1', 'component=EVSE&evseId=2&limit=1')
      assert.equal(evse2.total, 84)

      const v10 = await one('DM-MODEL-1', 'Var0010')
      assert.deepEqual(v10.component, { name: 'EVSE', evse: { id: 3 } })
      assert.deepEqual(v10.characteristics, {
        dataType: 'integer',
        unit: 'W',
        minLimit: null,
        maxLimit: 100_000,
        valuesList: null,
        supportsMonitoring: false,
      })
      assert.deepEqual(
        v10.attributes.map((a) => [a.type, a.value, a.mutability, a.source]),
        [
          ['Actual', '10', 'ReadOnly', 'report'],
          ['MaxSet', '100', 'ReadWrite', 'report'],
        ],
      )
    } finally {
      station.stop()
    }
  })

  it('keeps the stored model in step with what GetVariables and SetVariables answered', async () => {
    const station = fakeStation(h.nc, 'DM-MODEL-1', {
      GetVariables: () => ({
        getVariableResult: [
          {
            attributeStatus: 'Accepted',
            component: { name: 'ChargingStation' },
            variable: { name: 'Var0003' },
            attributeValue: '4242',
          },
          {
            attributeStatus: 'UnknownVariable',
            component: { name: 'ChargingStation' },
            variable: { name: 'Nope' },
          },
        ],
      }),
      SetVariables: () => ({
        setVariableResult: [
          {
            attributeStatus: 'Accepted',
            component: { name: 'ChargingStation' },
            variable: { name: 'Var0006' },
          },
          {
            attributeStatus: 'Rejected',
            component: { name: 'ChargingStation' },
            variable: { name: 'Var0009' },
          },
          {
            attributeStatus: 'RebootRequired',
            attributeType: 'MaxSet',
            component: { name: 'ChargingStation' },
            variable: { name: 'Var0012' },
          },
        ],
      }),
    })
    try {
      const got = await json<{ getVariableResult: unknown[] }>(
        await h.api('/v1/stations/DM-MODEL-1/commands/GetVariables', {
          method: 'POST',
          body: JSON.stringify({
            getVariableData: [
              { component: { name: 'ChargingStation' }, variable: { name: 'Var0003' } },
              { component: { name: 'ChargingStation' }, variable: { name: 'Nope' } },
            ],
          }),
        }),
      )
      assert.equal(got.getVariableResult.length, 2)
      const v3 = await one('DM-MODEL-1', 'Var0003')
      assert.deepEqual(
        v3.attributes.map((a) => [a.type, a.value, a.mutability, a.source]),
        [['Actual', '4242', 'ReadWrite', 'get']],
      )
      assert.equal((await variables('DM-MODEL-1', 'variable=Nope')).total, 0)

      await json(
        await h.api('/v1/stations/DM-MODEL-1/commands/SetVariables', {
          method: 'POST',
          body: JSON.stringify({
            setVariableData: [
              {
                component: { name: 'ChargingStation' },
                variable: { name: 'Var0006' },
                attributeValue: 'six',
              },
              {
                component: { name: 'ChargingStation' },
                variable: { name: 'Var0009' },
                attributeValue: 'nine',
              },
              {
                component: { name: 'ChargingStation' },
                variable: { name: 'Var0012' },
                attributeType: 'MaxSet',
                attributeValue: '12',
              },
            ],
          }),
        }),
      )
      const actual = async (name: string, type = 'Actual') =>
        (await one('DM-MODEL-1', name)).attributes.find((a) => a.type === type)
      assert.deepEqual(pick(await actual('Var0006')), {
        value: 'six',
        lastSetStatus: 'Accepted',
        mutability: 'ReadWrite',
      })
      assert.deepEqual(pick(await actual('Var0009')), {
        value: '9',
        lastSetStatus: 'Rejected',
        mutability: 'ReadWrite',
      })
      assert.deepEqual(pick(await actual('Var0012', 'MaxSet')), {
        value: '12',
        lastSetStatus: 'RebootRequired',
        mutability: 'ReadWrite',
      })
    } finally {
      station.stop()
    }
  })

  it('keeps 1.6 GetConfiguration and ChangeConfiguration answers in the same model', async () => {
    await h.bootStation('DM-MODEL-16', 'v16')
    const station = fakeStation(h.nc, 'DM-MODEL-16', {
      GetConfiguration: () => ({
        configurationKey: [
          { key: 'HeartbeatInterval', readonly: false, value: '300' },
          { key: 'NumberOfConnectors', readonly: true, value: '2' },
        ],
      }),
      ChangeConfiguration: () => ({ status: 'Accepted' }),
    })
    try {
      await json(
        await h.api('/v1/stations/DM-MODEL-16/commands/GetConfiguration', { method: 'POST', body: '{}' }),
      )
      const page = await variables('DM-MODEL-16', 'component=OCPP16Configuration')
      assert.deepEqual(
        page.items.map((v) => [v.variable.name, v.attributes[0]?.value, v.attributes[0]?.mutability]),
        [
          ['HeartbeatInterval', '300', 'ReadWrite'],
          ['NumberOfConnectors', '2', 'ReadOnly'],
        ],
      )
      await json(
        await h.api('/v1/stations/DM-MODEL-16/commands/ChangeConfiguration', {
          method: 'POST',
          body: JSON.stringify({ key: 'HeartbeatInterval', value: '60' }),
        }),
      )
      assert.equal((await one('DM-MODEL-16', 'HeartbeatInterval')).attributes[0]?.value, '60')
    } finally {
      station.stop()
    }
  })

  it('asks for a custom report with GetReport and stores what it reports (B08)', async () => {
    const station = fakeStation(h.nc, 'DM-MODEL-1', { GetReport: () => ({ status: 'Accepted' }) })
    try {
      const componentVariable = [
        { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } },
      ]
      const job = await json<JobView>(
        await h.api('/v1/stations/DM-MODEL-1/reports', {
          method: 'POST',
          body: JSON.stringify({ componentVariable }),
        }),
        201,
      )
      assert.deepEqual(station.calls, [
        { action: 'GetReport', payload: { requestId: job.requestId, componentVariable } },
      ])
      await h.ok('v201', 'NotifyReport', 'DM-MODEL-1', {
        requestId: job.requestId,
        generatedAt: new Date().toISOString(),
        seqNo: 0,
        reportData: [
          {
            ...componentVariable[0],
            variableAttribute: [{ value: '11000', mutability: 'ReadOnly' }],
            variableCharacteristics: { dataType: 'decimal', unit: 'W', supportsMonitoring: true },
          },
        ],
      })
      assert.equal((await json<JobView>(await h.api(`/v1/jobs/${job.id}`))).outcome, 'succeeded')
      const power = await one('DM-MODEL-1', 'Power')
      assert.deepEqual(power.attributes[0]?.value, '11000')
    } finally {
      station.stop()
    }
  })

  it('documents the device-management routes in /openapi.json', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(await h.api('/openapi.json'))
    for (const [path, method] of [
      ['/v1/stations/{id}/variables', 'get'],
      ['/v1/stations/{id}/reports', 'post'],
      ['/v1/stations/{id}/registration', 'put'],
      ['/v1/stations/{id}/monitors', 'get'],
      ['/v1/stations/{id}/device-events', 'get'],
      ['/v1/stations/{id}/firmware-updates', 'post'],
      ['/v1/stations/{id}/log-uploads', 'post'],
      ['/v1/jobs/{id}', 'get'],
      ['/v1/campaigns', 'post'],
      ['/v1/campaigns/{id}/{action}', 'post'],
    ] as const) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path} documented`)
    }
  })

  it('answers a malformed page cursor with 400, not a server error', async () => {
    const res = await h.api('/v1/stations/DM-MODEL-1/variables?after=abc')
    assert.equal(res.status, 400)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
  })
})

function pick(
  a: { value: string | null; lastSetStatus: string | null; mutability: string | null } | undefined,
) {
  return a && { value: a.value, lastSetStatus: a.lastSetStatus, mutability: a.mutability }
}
