import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'
import { TestStation } from './station-client.js'

type StationBody = {
  id: string
  connected: boolean
  protocol: string | null
  lastBootAt: string | null
  vendor: string | null
  evses: Array<{ evseId: number; connectors: Array<{ connectorId: number; status: string }> }>
}

describe('a station boots end to end (separate processes, real NATS and PostgreSQL)', () => {
  let platform: E2ePlatform
  before(async () => {
    platform = await startE2ePlatform({ CSMS_API_COMMAND_TIMEOUT_MS: '1500' })
  })
  after(async () => {
    await platform?.stop()
  })

  it('answers BootNotification, Heartbeat and StatusNotification, and the API reports the station', async () => {
    const station = await TestStation.connect(platform.gatewayUrl, 'E2E-BOOT-1')
    assert.equal(station.protocol, 'ocpp2.0.1')

    const boot = await station.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'Acme', model: 'AC-22', serialNumber: 'SN-1', firmwareVersion: '1.2.3' },
    })
    assert.equal(boot[0], 3)
    const bootReply = boot[2] as { status: string; interval: number; currentTime: string }
    assert.equal(bootReply.status, 'Accepted')
    assert.equal(bootReply.interval, 300)
    assert.match(bootReply.currentTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)

    const beat = await station.call('Heartbeat', {})
    assert.equal(beat[0], 3)
    assert.ok(Math.abs(Date.parse((beat[2] as { currentTime: string }).currentTime) - Date.now()) < 60_000)

    for (const [evseId, status] of [
      [1, 'Available'],
      [2, 'Occupied'],
    ] as const) {
      const reply = await station.call('StatusNotification', {
        timestamp: new Date().toISOString(),
        connectorStatus: status,
        evseId,
        connectorId: 1,
      })
      assert.deepEqual(reply.slice(0, 1), [3])
    }

    const body = await waitFor(
      async () => {
        const res = await platform.api('/v1/stations/E2E-BOOT-1')
        if (res.status !== 200) return undefined
        const s = (await res.json()) as StationBody
        return s.connected && s.evses.length === 2 ? s : undefined
      },
      { timeoutMs: 10_000, description: 'the API to report the booted station' },
    )
    assert.equal(body.id, 'E2E-BOOT-1')
    assert.equal(body.protocol, 'ocpp2.0.1')
    assert.equal(body.vendor, 'Acme')
    assert.ok(body.lastBootAt && Date.parse(body.lastBootAt) <= Date.now())
    assert.deepEqual(
      body.evses.map((e) => [e.evseId, e.connectors[0]?.status]),
      [
        [1, 'Available'],
        [2, 'Occupied'],
      ],
    )

    await station.close()
    await waitFor(
      async () => {
        const res = await platform.api('/v1/stations/E2E-BOOT-1')
        return ((await res.json()) as StationBody).connected === false
      },
      { timeoutMs: 10_000, description: 'the station to show offline after close' },
    )
  })

  it('answers a schema violation with a CALLERROR and keeps the socket open', async () => {
    const station = await TestStation.connect(platform.gatewayUrl, 'E2E-BAD-1')
    const reply = await station.call('BootNotification', { reason: 'PowerUp' })
    assert.equal(reply[0], 4)
    assert.equal(reply[2], 'OccurrenceConstraintViolation')
    const unparseable = await station.sendRaw('[2, "x", ', '-1')
    assert.equal(unparseable[0], 4)
    const still = await station.call('Heartbeat', {})
    assert.equal(still[0], 3)
    await station.close()
  })

  it('guards stations registered with a password (security profile 1)', async () => {
    const put = await platform.api('/v1/stations/E2E-SP1', {
      method: 'PUT',
      body: JSON.stringify({ password: 'correct-horse-battery-1' }),
    })
    assert.equal(put.status, 200)
    await assert.rejects(TestStation.connect(platform.gatewayUrl, 'E2E-SP1'), /401/)
    await assert.rejects(
      TestStation.connect(platform.gatewayUrl, 'E2E-SP1', { password: 'wrong-password-000000' }),
      /401/,
    )
    const station = await TestStation.connect(platform.gatewayUrl, 'E2E-SP1', {
      password: 'correct-horse-battery-1',
    })
    assert.equal((await station.call('Heartbeat', {}))[0], 3)
    await station.close()
  })

  it('relays an operator command to the station and maps its outcomes to HTTP', async () => {
    const station = await TestStation.connect(platform.gatewayUrl, 'E2E-CMD-1')
    await station.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'Acme', model: 'DC' },
    })
    await waitFor(
      async () => ((await (await platform.api('/v1/stations/E2E-CMD-1')).json()) as StationBody).connected,
      {
        timeoutMs: 10_000,
      },
    )
    const request = {
      getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
    }
    station.answer = (action) =>
      action === 'GetVariables'
        ? {
            result: {
              getVariableResult: [
                {
                  attributeStatus: 'Accepted',
                  attributeValue: '300',
                  component: { name: 'OCPPCommCtrlr' },
                  variable: { name: 'HeartbeatInterval' },
                },
              ],
            },
          }
        : { error: 'NotSupported' }
    const ok = await platform.api('/v1/stations/E2E-CMD-1/commands/GetVariables', {
      method: 'POST',
      body: JSON.stringify(request),
    })
    assert.equal(ok.status, 200)
    assert.equal(
      ((await ok.json()) as { getVariableResult: Array<{ attributeValue: string }> }).getVariableResult[0]
        ?.attributeValue,
      '300',
    )

    const invalid = await platform.api('/v1/stations/E2E-CMD-1/commands/GetVariables', {
      method: 'POST',
      body: '{}',
    })
    assert.equal(invalid.status, 400)
    assert.equal(invalid.headers.get('content-type'), 'application/problem+json')

    const refused = await platform.api('/v1/stations/E2E-CMD-1/commands/Reset', {
      method: 'POST',
      body: '{"type":"Immediate"}',
    })
    assert.equal(refused.status, 502)
    assert.equal(((await refused.json()) as { ocppErrorCode: string }).ocppErrorCode, 'NotSupported')

    station.answer = () => 'silent'
    const late = await platform.api('/v1/stations/E2E-CMD-1/commands/Reset', {
      method: 'POST',
      body: '{"type":"Immediate"}',
    })
    assert.equal(late.status, 504)

    const unknown = await platform.api('/v1/stations/NOBODY/commands/Reset', {
      method: 'POST',
      body: '{"type":"Immediate"}',
    })
    assert.equal(unknown.status, 404)
    await station.close()
  })

  it('refuses the API without a valid bearer token', async () => {
    const none = await fetch(`${platform.apiUrl}/v1/stations`)
    assert.equal(none.status, 401)
    const wrong = await fetch(`${platform.apiUrl}/v1/stations`, { headers: { authorization: 'Bearer nope' } })
    assert.equal(wrong.status, 401)
    assert.equal((await fetch(`${platform.apiUrl}/readyz`)).status, 200)
  })
})
