import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  commandRpc,
  getJobRpc,
  listDeviceEventsRpc,
  listDeviceVariablesRpc,
  listJobsRpc,
  listMonitorsRpc,
  listSecurityEventsRpc,
} from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { collectEvents } from './support/event-log.js'
import { fakeStation } from './support/fake-station.js'
import { type Harness, startHarness } from './support/harness.js'

const temperature = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' } }

describe('monitoring: monitors, NotifyEvent and security events', () => {
  let h: Harness

  before(async () => {
    h = await startHarness()
    await h.bootStation('MON-1')
  })
  after(async () => {
    await h?.stop()
  })

  const command = async (action: string, payload: unknown) => {
    const result = await callRpc(h.nc, commandRpc('device-management'), {
      stationId: 'MON-1',
      version: 'v201',
      action,
      payload,
    })
    assert.ok(result.ok, `${action} answered a CALLERROR`)
    return result.payload
  }
  const monitors = () => callRpc(h.nc, listMonitorsRpc, { stationId: 'MON-1' })

  it('stores the monitors a station accepted, its monitoring base and level, and forgets cleared ones', async () => {
    const station = fakeStation(h.nc, 'MON-1', {
      SetVariableMonitoring: () => ({
        setMonitoringResult: [
          { id: 11, status: 'Accepted', type: 'UpperThreshold', severity: 2, ...temperature },
          { status: 'UnsupportedMonitorType', type: 'Delta', severity: 5, ...temperature },
          { id: 12, status: 'Accepted', type: 'Periodic', severity: 8, ...temperature },
        ],
      }),
      SetMonitoringBase: () => ({ status: 'Accepted' }),
      SetMonitoringLevel: () => ({ status: 'Accepted' }),
      ClearVariableMonitoring: () => ({ clearMonitoringResult: [{ id: 12, status: 'Accepted' }] }),
    })
    try {
      await command('SetVariableMonitoring', {
        setMonitoringData: [
          { value: 70, type: 'UpperThreshold', severity: 2, transaction: true, ...temperature },
          { value: 5, type: 'Delta', severity: 5, ...temperature },
          { value: 900, type: 'Periodic', severity: 8, ...temperature },
        ],
      })
      // All activates the preconfigured monitors and keeps the custom ones (N03.FR.03).
      await command('SetMonitoringBase', { monitoringBase: 'All' })
      await command('SetMonitoringLevel', { severity: 4 })
      let m = await monitors()
      assert.deepEqual(
        m.monitors.map((x) => [x.id, x.type, x.value, x.severity, x.transaction, x.source]),
        [
          [11, 'UpperThreshold', 70, 2, true, 'set'],
          [12, 'Periodic', 900, 8, false, 'set'],
        ],
      )
      assert.deepEqual(m.monitors[0]?.component, { name: 'EVSE', evse: { id: 1 } })
      assert.deepEqual([m.monitoringBase, m.monitoringLevel], ['All', 4])

      await command('ClearVariableMonitoring', { id: [12] })
      m = await monitors()
      assert.deepEqual(
        m.monitors.map((x) => x.id),
        [11],
      )
    } finally {
      station.stop()
    }
  })

  it('stores a monitoring report in parts and completes its job (N02)', async () => {
    const station = fakeStation(h.nc, 'MON-1', { GetMonitoringReport: () => ({ status: 'Accepted' }) })
    try {
      await command('GetMonitoringReport', { requestId: 501 })
      const part = (seqNo: number, tbc: boolean, id: number) => ({
        requestId: 501,
        seqNo,
        tbc,
        generatedAt: new Date().toISOString(),
        monitor: [
          {
            ...temperature,
            variableMonitoring: [{ id, transaction: false, value: id, type: 'LowerThreshold', severity: 3 }],
          },
        ],
      })
      await h.ok('v201', 'NotifyMonitoringReport', 'MON-1', part(0, true, 21))
      await h.ok('v201', 'NotifyMonitoringReport', 'MON-1', part(1, false, 22))
      const m = await monitors()
      assert.deepEqual(
        m.monitors.map((x) => [x.id, x.source]),
        [
          [11, 'set'],
          [21, 'report'],
          [22, 'report'],
        ],
      )
      const { jobs } = await callRpc(h.nc, listJobsRpc, {
        stationId: 'MON-1',
        kind: 'monitoring-report',
        limit: 5,
      })
      assert.deepEqual(
        jobs.map((j) => [j.requestId, j.status, j.outcome]),
        [[501, 'Completed', 'succeeded']],
      )
      const job = (await callRpc(h.nc, getJobRpc, { id: jobs[0]?.id as string })).job
      assert.deepEqual(
        job?.history.map((e) => e.status),
        ['Requested', 'Accepted', 'Receiving', 'Completed'],
      )
    } finally {
      station.stop()
    }
  })

  it('forgets the custom monitors a FactoryDefault or HardWiredOnly base made the station drop (N03.FR.04, N03.FR.05)', async () => {
    // MON-1 (2.0.1) holds 11, set by the CSMS, and 21 and 22, known from a report only.
    let baseAnswer = 'Rejected'
    const station = fakeStation(h.nc, 'MON-1', { SetMonitoringBase: () => ({ status: baseAnswer }) })
    try {
      // The station reports 11 back: a 2.0.1 report does not say it is custom, the CSMS knows.
      await h.ok('v201', 'NotifyMonitoringReport', 'MON-1', {
        requestId: 502,
        seqNo: 0,
        generatedAt: new Date().toISOString(),
        monitor: [
          {
            ...temperature,
            variableMonitoring: [
              { id: 11, transaction: true, value: 70, type: 'UpperThreshold', severity: 2 },
            ],
          },
        ],
      })
      await command('SetMonitoringBase', { monitoringBase: 'FactoryDefault' })
      assert.deepEqual(
        (await monitors()).monitors.map((x) => x.id),
        [11, 21, 22],
        'a refused base changes nothing',
      )
      baseAnswer = 'Accepted'
      await command('SetMonitoringBase', { monitoringBase: 'FactoryDefault' })
      const m = await monitors()
      // Monitors of unknown kind stay until the next monitoring report says otherwise.
      assert.deepEqual(
        m.monitors.map((x) => x.id),
        [21, 22],
      )
      assert.equal(m.monitoringBase, 'FactoryDefault')
    } finally {
      station.stop()
    }

    // A 2.1 station says what kind each reported monitor is.
    await h.bootStation('MON-21', 'v21')
    const v21 = fakeStation(h.nc, 'MON-21', {
      SetVariableMonitoring: () => ({
        setMonitoringResult: [{ id: 31, status: 'Accepted', type: 'Delta', severity: 5, ...temperature }],
      }),
      SetMonitoringBase: () => ({ status: 'Accepted' }),
    })
    const command21 = async (action: string, payload: unknown) => {
      const result = await callRpc(h.nc, commandRpc('device-management'), {
        stationId: 'MON-21',
        version: 'v21',
        action,
        payload,
      })
      assert.ok(result.ok, `${action} answered a CALLERROR`)
    }
    const ids21 = async () =>
      (await callRpc(h.nc, listMonitorsRpc, { stationId: 'MON-21' })).monitors.map((x) => x.id)
    try {
      await command21('SetVariableMonitoring', {
        setMonitoringData: [{ value: 1, type: 'Delta', severity: 5, ...temperature }],
      })
      const monitor = (id: number, eventNotificationType: string) => ({
        id,
        transaction: false,
        value: id,
        type: 'UpperThreshold',
        severity: 4,
        eventNotificationType,
      })
      await h.ok('v21', 'NotifyMonitoringReport', 'MON-21', {
        requestId: 601,
        seqNo: 0,
        generatedAt: new Date().toISOString(),
        monitor: [
          {
            ...temperature,
            variableMonitoring: [
              monitor(41, 'PreconfiguredMonitor'),
              monitor(51, 'HardWiredMonitor'),
              monitor(61, 'CustomMonitor'),
            ],
          },
        ],
      })
      assert.deepEqual(await ids21(), [31, 41, 51, 61])
      await command21('SetMonitoringBase', { monitoringBase: 'All' })
      assert.deepEqual(await ids21(), [31, 41, 51, 61], 'All keeps every monitor (N03.FR.03)')
      await command21('SetMonitoringBase', { monitoringBase: 'HardWiredOnly' })
      assert.deepEqual(await ids21(), [51], 'only the hard-wired monitors are left')
    } finally {
      v21.stop()
    }
  })

  it('stores alert and periodic events once, publishes them, and takes their values into the model (N07, N08)', async () => {
    const published = await collectEvents(h.nc, 'evt.device.event.>')
    try {
      const notify = {
        generatedAt: new Date().toISOString(),
        seqNo: 0,
        eventData: [
          {
            eventId: 9001,
            timestamp: '2026-11-26T10:00:00.000Z',
            trigger: 'Alerting',
            actualValue: '81',
            techCode: 'T-HIGH',
            variableMonitoringId: 11,
            eventNotificationType: 'CustomMonitor',
            ...temperature,
          },
          {
            eventId: 9002,
            timestamp: '2026-11-26T10:00:00.000Z',
            trigger: 'Periodic',
            actualValue: '230.1',
            eventNotificationType: 'PreconfiguredMonitor',
            component: { name: 'EVSE', evse: { id: 1 } },
            variable: { name: 'ACVoltage' },
          },
        ],
      }
      await h.ok('v201', 'NotifyEvent', 'MON-1', notify)
      await h.ok('v201', 'NotifyEvent', 'MON-1', notify) // the station retried
      const { events: all } = await callRpc(h.nc, listDeviceEventsRpc, { stationId: 'MON-1', limit: 10 })
      assert.deepEqual(
        all.map((e) => [e.eventId, e.trigger]),
        [
          [9002, 'Periodic'],
          [9001, 'Alerting'],
        ],
      )
      const events = all.filter((e) => e.eventId === 9001)
      assert.deepEqual(
        {
          eventId: events[0]?.eventId,
          trigger: events[0]?.trigger,
          actualValue: events[0]?.actualValue,
          techCode: events[0]?.techCode,
          variableMonitoringId: events[0]?.variableMonitoringId,
          cleared: events[0]?.cleared,
          component: events[0]?.component,
        },
        {
          eventId: 9001,
          trigger: 'Alerting',
          actualValue: '81',
          techCode: 'T-HIGH',
          variableMonitoringId: 11,
          cleared: false,
          component: { name: 'EVSE', evse: { id: 1 } },
        },
      )
      await waitFor(() => published.events.length > 0, {
        timeoutMs: 10_000,
        description: 'a device.event on CSMS_EVENTS',
      })
      const fact = published.events[0]
      assert.equal(fact?.type, 'device.event')
      assert.equal(fact?.stationId, 'MON-1')
      assert.equal((fact?.data as { actualValue?: string } | undefined)?.actualValue, '81')

      const model = await callRpc(h.nc, listDeviceVariablesRpc, {
        stationId: 'MON-1',
        variable: 'Temperature',
        limit: 5,
      })
      assert.deepEqual(
        model.variables[0]?.attributes.map((a) => [a.type, a.value, a.source]),
        [['Actual', '81', 'event']],
      )
    } finally {
      await published.stop()
    }
  })

  it('stores a connector lock failure the station reports as an event (G05)', async () => {
    await h.ok('v201', 'NotifyEvent', 'MON-1', {
      generatedAt: new Date().toISOString(),
      seqNo: 0,
      eventData: [
        {
          eventId: 9100,
          timestamp: '2026-11-26T10:05:00.000Z',
          trigger: 'Delta',
          actualValue: 'true',
          techCode: 'LockFailure',
          eventNotificationType: 'HardWiredNotification',
          component: { name: 'ConnectorPlugRetentionLock', evse: { id: 1, connectorId: 1 } },
          variable: { name: 'Problem' },
        },
      ],
    })
    const { events } = await callRpc(h.nc, listDeviceEventsRpc, { stationId: 'MON-1', limit: 1 })
    assert.deepEqual(
      events.map((e) => [e.eventId, e.component, e.variable, e.actualValue]),
      [
        [
          9100,
          { name: 'ConnectorPlugRetentionLock', evse: { id: 1, connectorId: 1 } },
          { name: 'Problem' },
          'true',
        ],
      ],
    )
  })

  it('stores and publishes security events, once each (A04)', async () => {
    const published = await collectEvents(h.nc, 'evt.device.security.>')
    try {
      const event = { type: 'FirmwareUpdated', timestamp: '2026-11-26T09:00:00.000Z', techInfo: 'v2.1.0' }
      await h.ok('v201', 'SecurityEventNotification', 'MON-1', event)
      await h.ok('v201', 'SecurityEventNotification', 'MON-1', event)
      await h.ok('v16', 'SecurityEventNotification', 'MON-1', {
        type: 'InvalidCsmsCertificate',
        timestamp: '2026-11-26T09:01:00Z',
      })
      const { events } = await callRpc(h.nc, listSecurityEventsRpc, { stationId: 'MON-1', limit: 10 })
      assert.deepEqual(
        events.map((e) => [e.type, e.techInfo]),
        [
          ['InvalidCsmsCertificate', null],
          ['FirmwareUpdated', 'v2.1.0'],
        ],
      )
      await waitFor(() => published.events.length >= 2, {
        timeoutMs: 10_000,
        description: 'two device.security facts',
      })
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(published.events.length, 2, 'the retried event is deduplicated')
    } finally {
      await published.stop()
    }
  })
})
