import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  commandRpc,
  dataTransferRpc,
  getJobRpc,
  listDisplayMessagesRpc,
  listJobsRpc,
  serveRpc,
} from '@csms/bus'
import type { Subscription } from '@nats-io/nats-core'
import { fakeStation } from './support/fake-station.js'
import { type Harness, startHarness } from './support/harness.js'

const message = (id: number, content: string) => ({
  id,
  priority: 'NormalCycle',
  state: 'Idle',
  message: { format: 'UTF8', language: 'en', content },
})

describe('display messages, customer information and DataTransfer', () => {
  let h: Harness
  let vendor: Subscription | undefined

  before(async () => {
    h = await startHarness()
    await h.bootStation('DISP-1')
  })
  after(async () => {
    vendor?.unsubscribe()
    await h?.stop()
  })

  const command = async (action: string, payload: unknown, version: 'v201' | 'v16' = 'v201') => {
    const result = await callRpc(h.nc, commandRpc('device-management'), {
      stationId: 'DISP-1',
      version,
      action,
      payload,
    })
    assert.ok(result.ok, `${action} answered a CALLERROR`)
    return result.payload as Record<string, unknown>
  }
  const displayed = async () =>
    (await callRpc(h.nc, listDisplayMessagesRpc, { stationId: 'DISP-1' })).messages.map((m) => [
      m.id,
      m.message.content,
      m.source,
    ])

  it('keeps the display messages a station accepted, reported or cleared (O01-O06)', async () => {
    const station = fakeStation(h.nc, 'DISP-1', {
      SetDisplayMessage: (p) => ({
        status: (p.message as { id: number }).id === 3 ? 'NotSupportedPriority' : 'Accepted',
      }),
      GetDisplayMessages: () => ({ status: 'Accepted' }),
      ClearDisplayMessage: () => ({ status: 'Accepted' }),
    })
    try {
      await command('SetDisplayMessage', { message: message(1, 'Welcome') })
      await command('SetDisplayMessage', { message: message(3, 'Refused') })
      await command('SetDisplayMessage', {
        message: { ...message(1, 'Welcome back'), transactionId: 'tx-1' },
      })
      assert.deepEqual(await displayed(), [[1, 'Welcome back', 'set']])
      const [forTransaction] = (await callRpc(h.nc, listDisplayMessagesRpc, { stationId: 'DISP-1' })).messages
      assert.equal(forTransaction?.transactionId, 'tx-1')

      await command('GetDisplayMessages', { requestId: 61 })
      await h.ok('v201', 'NotifyDisplayMessages', 'DISP-1', {
        requestId: 61,
        tbc: true,
        messageInfo: [message(1, 'Welcome back')],
      })
      await h.ok('v201', 'NotifyDisplayMessages', 'DISP-1', {
        requestId: 61,
        messageInfo: [message(2, 'Local tariff 0.30/kWh')],
      })
      assert.deepEqual(await displayed(), [
        [1, 'Welcome back', 'report'],
        [2, 'Local tariff 0.30/kWh', 'report'],
      ])
      const { jobs } = await callRpc(h.nc, listJobsRpc, {
        stationId: 'DISP-1',
        kind: 'display-messages',
        limit: 5,
      })
      assert.deepEqual(
        jobs.map((j) => [j.requestId, j.status, j.outcome]),
        [[61, 'Completed', 'succeeded']],
      )

      await command('ClearDisplayMessage', { id: 1 })
      assert.deepEqual(await displayed(), [[2, 'Local tariff 0.30/kWh', 'report']])
    } finally {
      station.stop()
    }
  })

  it('collects customer information in parts, and ends a clear-only request at once (N09, N10)', async () => {
    const station = fakeStation(h.nc, 'DISP-1', { CustomerInformation: () => ({ status: 'Accepted' }) })
    try {
      await command('CustomerInformation', {
        requestId: 71,
        report: true,
        clear: false,
        customerIdentifier: 'cust-42',
      })
      const part = (seqNo: number, data: string, tbc: boolean) => ({
        requestId: 71,
        seqNo,
        data,
        tbc,
        generatedAt: '2026-11-26T10:00:00.000Z',
      })
      await h.ok('v201', 'NotifyCustomerInformation', 'DISP-1', part(0, 'sessions: 12', true))
      await h.ok('v201', 'NotifyCustomerInformation', 'DISP-1', part(1, 'last: 2026-11-20', false))
      const jobs = await callRpc(h.nc, listJobsRpc, {
        stationId: 'DISP-1',
        kind: 'customer-information',
        limit: 5,
      })
      const report = (await callRpc(h.nc, getJobRpc, { id: jobs.jobs[0]?.id as string })).job
      assert.deepEqual([report?.status, report?.outcome], ['Completed', 'succeeded'])
      assert.deepEqual(
        report?.history
          .filter((e) => e.status !== 'Requested' && e.status !== 'Accepted')
          .map((e) => (e.info as { data: string }).data),
        ['sessions: 12', 'last: 2026-11-20'],
      )

      await command('CustomerInformation', {
        requestId: 72,
        report: false,
        clear: true,
        customerIdentifier: 'cust-42',
      })
      const cleared = await callRpc(h.nc, listJobsRpc, {
        stationId: 'DISP-1',
        kind: 'customer-information',
        limit: 1,
      })
      assert.deepEqual(
        cleared.jobs.map((j) => [j.requestId, j.status, j.outcome]),
        [[72, 'Completed', 'succeeded']],
      )
    } finally {
      station.stop()
    }
  })

  it('routes a station DataTransfer to the handler of its vendorId, and answers UnknownVendorId otherwise (P02)', async () => {
    const seen: unknown[] = []
    vendor = serveRpc(
      h.nc,
      dataTransferRpc('com.acme.parking'),
      async (req) => {
        seen.push(req)
        if (req.messageId !== 'BayOccupied') return { status: 'UnknownMessageId' as const }
        return { status: 'Accepted' as const, data: { ack: true } }
      },
      { queue: 'acme-parking' },
    )
    await h.nc.flush()
    const ask = (version: 'v201' | 'v16', payload: Record<string, unknown>) =>
      h.ok<{ status: string; data?: unknown }>(version, 'DataTransfer', 'DISP-1', payload)

    assert.deepEqual(
      await ask('v201', { vendorId: 'com.acme.parking', messageId: 'BayOccupied', data: { bay: 3 } }),
      {
        status: 'Accepted',
        data: { ack: true },
      },
    )
    assert.deepEqual(await ask('v201', { vendorId: 'com.acme.parking', messageId: 'Other' }), {
      status: 'UnknownMessageId',
    })
    assert.deepEqual(await ask('v201', { vendorId: 'org.nobody' }), { status: 'UnknownVendorId' })
    // 1.6 data is text: a handler's JSON answer travels as its JSON text.
    assert.deepEqual(
      await ask('v16', { vendorId: 'com.acme.parking', messageId: 'BayOccupied', data: '{"bay":4}' }),
      {
        status: 'Accepted',
        data: '{"ack":true}',
      },
    )
    assert.deepEqual(await ask('v16', { vendorId: 'org.nobody', data: 'x' }), { status: 'UnknownVendorId' })
    assert.deepEqual(seen[0], {
      stationId: 'DISP-1',
      version: 'v201',
      vendorId: 'com.acme.parking',
      messageId: 'BayOccupied',
      data: { bay: 3 },
    })
  })

  it('sends a DataTransfer to a station and returns its answer (P01)', async () => {
    const station = fakeStation(h.nc, 'DISP-1', {
      DataTransfer: () => ({ status: 'Accepted', data: { firmware: 'ok' } }),
    })
    try {
      const answer = await command('DataTransfer', {
        vendorId: 'com.acme',
        messageId: 'Ping',
        data: { n: 1 },
      })
      assert.deepEqual(answer, { status: 'Accepted', data: { firmware: 'ok' } })
      assert.deepEqual(station.calls, [
        { action: 'DataTransfer', payload: { vendorId: 'com.acme', messageId: 'Ping', data: { n: 1 } } },
      ])
    } finally {
      station.stop()
    }
  })
})
