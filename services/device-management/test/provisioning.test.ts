import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  commandRpc,
  createCampaignRpc,
  getCampaignRpc,
  getStationRpc,
  listCampaignTargetsRpc,
  listDeviceVariablesRpc,
  setRegistrationRpc,
  upsertStationRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { collectEvents } from './support/event-log.js'
import { fakeStation } from './support/fake-station.js'
import { type Harness, startHarness } from './support/harness.js'

const boot = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } }
type BootAnswer = { status: string; interval: number }

describe('provisioning: registration per station, Pending configuration, station commands', () => {
  let h: Harness

  before(async () => {
    h = await startHarness({
      env: { CSMS_BOOT_UNKNOWN_STATUS: 'Accepted', CSMS_BOOT_RETRY_INTERVAL_S: '45' },
    })
  })
  after(async () => {
    await h?.stop()
  })

  const command = (stationId: string, action: string, payload: unknown) =>
    callRpc(
      h.nc,
      commandRpc('device-management'),
      { stationId, version: 'v201', action, payload },
      { timeoutMs: 10_000 },
    )

  it('publishes evt.device.site.<station> whenever the operator names a site, not for other changes', async () => {
    const facts = await collectEvents(h.nc, 'evt.device.site.>')
    try {
      await callRpc(h.nc, upsertStationRpc, { stationId: 'PV-SITE', siteId: 'north' })
      await callRpc(h.nc, upsertStationRpc, { stationId: 'PV-SITE', labels: { row: '3' } })
      await callRpc(h.nc, upsertStationRpc, { stationId: 'PV-SITE', siteId: null })
      await waitFor(async () => facts.events.length >= 2, { timeoutMs: 5_000, description: 'two site facts' })
      assert.deepEqual(
        facts.events.map((e) => [e.type, e.data]),
        [
          ['device.site', { stationId: 'PV-SITE', siteId: 'north', previousSiteId: null }],
          ['device.site', { stationId: 'PV-SITE', siteId: null, previousSiteId: 'north' }],
        ],
      )
    } finally {
      await facts.stop()
    }
  })

  it("answers each station's BootNotification with its own registration status", async () => {
    await callRpc(h.nc, upsertStationRpc, { stationId: 'PV-1', siteId: 'depot' })
    const answer = async () => h.ok<BootAnswer>('v201', 'BootNotification', 'PV-1', boot)

    assert.deepEqual(pick(await answer()), { status: 'Accepted', interval: 300 })
    const beat = await h.ok<{ currentTime: string }>('v201', 'Heartbeat', 'PV-1', {})
    assert.match(beat.currentTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-1', status: 'Rejected' })
    assert.deepEqual(pick(await answer()), { status: 'Rejected', interval: 45 })
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-1', status: 'Pending' })
    assert.deepEqual(pick(await answer()), { status: 'Pending', interval: 45 })
    const { station } = await callRpc(h.nc, getStationRpc, { stationId: 'PV-1' })
    assert.equal(station?.registrationPolicy, 'Pending')
    assert.equal(station?.registrationStatus, 'Pending')
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-1', status: null })
    assert.deepEqual(pick(await answer()), { status: 'Accepted', interval: 300 })

    // An unregistered station is answered by policy (Accepted here) unless told otherwise.
    assert.equal((await h.ok<BootAnswer>('v201', 'BootNotification', 'PV-unknown', boot)).status, 'Accepted')
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-unknown', status: 'Rejected' })
    assert.equal((await h.ok<BootAnswer>('v201', 'BootNotification', 'PV-unknown', boot)).status, 'Rejected')
  })

  it('configures a Pending station, then has it boot again once accepted (B02)', async () => {
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-2', status: 'Pending' })
    await h.bootStation('PV-2')
    assert.equal(
      (await callRpc(h.nc, getStationRpc, { stationId: 'PV-2' })).station?.registrationStatus,
      'Pending',
    )
    const station = fakeStation(h.nc, 'PV-2', {
      SetVariables: () => ({
        setVariableResult: [
          {
            attributeStatus: 'Accepted',
            component: { name: 'OCPPCommCtrlr' },
            variable: { name: 'HeartbeatInterval' },
          },
        ],
      }),
      TriggerMessage: () => ({ status: 'Accepted' }),
    })
    try {
      const set = await command('PV-2', 'SetVariables', {
        setVariableData: [
          {
            component: { name: 'OCPPCommCtrlr' },
            variable: { name: 'HeartbeatInterval' },
            attributeValue: '120',
          },
        ],
      })
      assert.ok(set.ok)
      const model = await callRpc(h.nc, listDeviceVariablesRpc, { stationId: 'PV-2', limit: 10 })
      assert.equal(model.variables[0]?.attributes[0]?.value, '120')

      const accepted = await callRpc(
        h.nc,
        setRegistrationRpc,
        { stationId: 'PV-2', status: 'Accepted' },
        { timeoutMs: 10_000 },
      )
      assert.equal(accepted.triggerStatus, 'Accepted')
      assert.deepEqual(station.calls.at(-1), {
        action: 'TriggerMessage',
        payload: { requestedMessage: 'BootNotification' },
      })
      assert.equal(
        (await h.ok<BootAnswer>('v201', 'BootNotification', 'PV-2', { ...boot, reason: 'Triggered' })).status,
        'Accepted',
      )
      // No boot is triggered for a station that was not Pending.
      const again = await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-2', status: 'Accepted' })
      assert.equal(again.triggerStatus, null)
    } finally {
      station.stop()
    }
  })

  it('triggers the boot of a Pending station accepted before its connected fact arrived; StationOffline when nobody holds it', async () => {
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-RACE', status: 'Pending' })
    // The BootNotification arrives; the gateway's station.connected fact is still on its way.
    assert.equal((await h.ok<BootAnswer>('v201', 'BootNotification', 'PV-RACE', boot)).status, 'Pending')
    assert.notEqual((await callRpc(h.nc, getStationRpc, { stationId: 'PV-RACE' })).station?.connected, true)
    const accept = () =>
      callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-RACE', status: 'Accepted' }, { timeoutMs: 10_000 })
    const station = fakeStation(h.nc, 'PV-RACE', { TriggerMessage: () => ({ status: 'Accepted' }) })
    try {
      assert.equal((await accept()).triggerStatus, 'Accepted')
      assert.deepEqual(station.calls.at(-1), {
        action: 'TriggerMessage',
        payload: { requestedMessage: 'BootNotification' },
      })
    } finally {
      station.stop()
    }
    // Pending again, and no gateway holds its socket any more: the answer says so.
    await callRpc(h.nc, setRegistrationRpc, { stationId: 'PV-RACE', status: 'Pending' })
    assert.equal((await h.ok<BootAnswer>('v201', 'BootNotification', 'PV-RACE', boot)).status, 'Pending')
    assert.equal((await accept()).triggerStatus, 'StationOffline')
  })

  it('relays Reset, ChangeAvailability, UnlockConnector, TriggerMessage and SetNetworkProfile with their answers', async () => {
    await h.bootStation('PV-3')
    const station = fakeStation(h.nc, 'PV-3', {
      Reset: () => ({ status: 'Scheduled' }),
      ChangeAvailability: () => ({ status: 'Accepted' }),
      UnlockConnector: () => ({ status: 'Unlocked' }),
      TriggerMessage: () => ({ status: 'Accepted' }),
      SetNetworkProfile: () => ({ status: 'Accepted' }),
    })
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['Reset', { type: 'OnIdle', evseId: 1 }, 'Scheduled'],
      [
        'ChangeAvailability',
        { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } },
        'Accepted',
      ],
      ['ChangeAvailability', { operationalStatus: 'Operative' }, 'Accepted'],
      ['UnlockConnector', { evseId: 1, connectorId: 1 }, 'Unlocked'],
      [
        'TriggerMessage',
        { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
        'Accepted',
      ],
      [
        'SetNetworkProfile',
        {
          configurationSlot: 2,
          connectionData: {
            ocppVersion: 'OCPP20',
            ocppTransport: 'JSON',
            ocppCsmsUrl: 'wss://csms.example.com/ocpp',
            messageTimeout: 30,
            securityProfile: 2,
            ocppInterface: 'Wired0',
          },
        },
        'Accepted',
      ],
    ]
    try {
      for (const [action, payload, status] of cases) {
        const result = await command('PV-3', action, payload)
        assert.deepEqual(result, { ok: true, payload: { status } }, action)
        assert.deepEqual(station.calls.at(-1), { action, payload }, action)
      }
    } finally {
      station.stop()
    }
  })

  it('returns a CALLERROR as such and refuses actions it does not own or payloads out of schema', async () => {
    const station = fakeStation(h.nc, 'PV-3', { Reset: () => ({ callError: 'NotSupported' }) })
    try {
      const refused = await command('PV-3', 'Reset', { type: 'Immediate' })
      assert.equal(refused.ok, false)
      assert.equal(!refused.ok && refused.code, 'NotSupported')
      await assert.rejects(
        command('PV-3', 'RequestStartTransaction', {
          idToken: { idToken: 'x', type: 'Central' },
          remoteStartId: 1,
        }),
        {
          code: 'invalid_input',
        },
      )
      await assert.rejects(command('PV-3', 'Reset', { type: 'Sometime' }), { code: 'invalid_input' })
      assert.equal(station.calls.length, 1)
    } finally {
      station.stop()
    }
  })

  it('runs a configuration campaign over stations picked by id, failing the one that is offline', async () => {
    await callRpc(h.nc, upsertStationRpc, { stationId: 'PV-3' })
    await callRpc(h.nc, upsertStationRpc, { stationId: 'PV-1' })
    const station = fakeStation(h.nc, 'PV-3', {
      SetVariables: () => ({
        setVariableResult: [
          {
            attributeStatus: 'RebootRequired',
            component: { name: 'SecurityCtrlr' },
            variable: { name: 'Identity' },
          },
        ],
      }),
    })
    try {
      const { campaign } = await callRpc(h.nc, createCampaignRpc, {
        kind: 'configuration',
        selector: { stationIds: ['PV-3', 'PV-1', 'PV-not-registered'] },
        variables: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' }, value: 'PV-3' }],
        concurrency: 1,
        failureThreshold: 2,
      })
      assert.equal(campaign.counts.total, 2, 'only registered stations are selected')
      const done = await waitFor(
        async () => {
          const c = (await callRpc(h.nc, getCampaignRpc, { id: campaign.id })).campaign
          return c?.status === 'completed' && c
        },
        { timeoutMs: 20_000, description: 'the campaign completed' },
      )
      assert.deepEqual([done.counts.succeeded, done.counts.failed], [1, 1])
      const { targets } = await callRpc(h.nc, listCampaignTargetsRpc, { id: campaign.id, limit: 10 })
      assert.deepEqual(
        targets.map((t) => [t.stationId, t.state, t.error]),
        [
          ['PV-1', 'failed', 'StationOffline'],
          ['PV-3', 'succeeded', null],
        ],
      )
    } finally {
      station.stop()
    }
  })

  it('counts a station nobody holds as offline', async () => {
    await assert.rejects(command('PV-nowhere', 'Reset', { type: 'Immediate' }), { code: 'station_offline' })
  })
})

function pick(a: BootAnswer) {
  return { status: a.status, interval: a.interval }
}
