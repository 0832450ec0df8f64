import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { JobSummary, JobView } from '@csms/bus'
import { waitFor } from '@csms/testkit'
import { collectEvents } from './support/event-log.js'
import { fakeStation } from './support/fake-station.js'
import { type Harness, json, startHarness } from './support/harness.js'

const SIGNED = {
  location: 'https://firmware.example.com/ac22/2.1.0.bin?token=abc',
  retrieveDateTime: '2026-11-26T10:00:00.000Z',
  installDateTime: '2026-11-26T11:00:00.000Z',
  signingCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
  signature: 'c2lnbmF0dXJl',
}

describe('firmware and log jobs', () => {
  let h: Harness

  before(async () => {
    h = await startHarness({ api: true })
  })
  after(async () => {
    await h?.stop()
  })

  const post = async (path: string, body: unknown) =>
    json<JobView>(await h.api(path, { method: 'POST', body: JSON.stringify(body) }), 201)
  const job = async (id: string) => json<JobView>(await h.api(`/v1/jobs/${id}`))
  const statuses = (j: JobView) => j.history.map((e) => e.status)

  it('tracks a signed firmware update through every status to Installed (L01)', async () => {
    await h.bootStation('FW-1')
    const station = fakeStation(h.nc, 'FW-1', { UpdateFirmware: () => ({ status: 'Accepted' }) })
    const facts = await collectEvents(h.nc, 'evt.device.job.>')
    try {
      const started = await post('/v1/stations/FW-1/firmware-updates', {
        firmware: SIGNED,
        retries: 3,
        retryInterval: 60,
      })
      assert.equal(started.kind, 'firmware')
      assert.equal(started.status, 'Accepted')
      // What the operator gave reaches the station as given: the CSMS never fetches it.
      assert.deepEqual(station.calls, [
        {
          action: 'UpdateFirmware',
          payload: { requestId: started.requestId, firmware: SIGNED, retries: 3, retryInterval: 60 },
        },
      ])
      const sequence = [
        'DownloadScheduled',
        'Downloading',
        'Downloaded',
        'SignatureVerified',
        'InstallScheduled',
        'Installing',
        'InstallRebooting',
      ]
      for (const status of sequence) {
        await h.ok('v201', 'FirmwareStatusNotification', 'FW-1', { status, requestId: started.requestId })
        const now = await job(started.id)
        assert.deepEqual([now.status, now.outcome], [status, 'open'])
      }
      // The station reboots into the new firmware, then reports it installed.
      await h.ok('v201', 'BootNotification', 'FW-1', {
        reason: 'FirmwareUpdate',
        chargingStation: { vendorName: 'Acme', model: 'AC-22', firmwareVersion: '2.1.0' },
      })
      await h.ok('v201', 'FirmwareStatusNotification', 'FW-1', {
        status: 'Installed',
        requestId: started.requestId,
      })
      const done = await job(started.id)
      assert.deepEqual(
        [done.status, done.outcome, done.responseStatus],
        ['Installed', 'succeeded', 'Accepted'],
      )
      assert.ok(done.finishedAt)
      assert.deepEqual(statuses(done), ['Requested', 'Accepted', ...sequence, 'Installed'])
      assert.deepEqual(done.request, { action: 'UpdateFirmware', payload: station.calls[0]?.payload })
      const stationView = await json<{ firmwareVersion: string }>(await h.api('/v1/stations/FW-1'))
      assert.equal(stationView.firmwareVersion, '2.1.0')

      await waitFor(() => facts.events.some((e) => (e.data as { status: string }).status === 'Installed'), {
        timeoutMs: 10_000,
        description: 'a device.job fact for Installed',
      })
      const jobs = await json<{ items: JobSummary[] }>(await h.api('/v1/stations/FW-1/jobs?kind=firmware'))
      assert.deepEqual(
        jobs.items.map((j) => j.id),
        [started.id],
      )
    } finally {
      await facts.stop()
      station.stop()
    }
  })

  it('ends a firmware job failed on a failure end state, a refusal, or an unreachable station', async () => {
    await h.bootStation('FW-2')
    let answer = 'Accepted'
    const station = fakeStation(h.nc, 'FW-2', { UpdateFirmware: () => ({ status: answer }) })
    try {
      const bad = await post('/v1/stations/FW-2/firmware-updates', { firmware: SIGNED })
      await h.ok('v201', 'FirmwareStatusNotification', 'FW-2', {
        status: 'Downloaded',
        requestId: bad.requestId,
      })
      await h.ok('v201', 'FirmwareStatusNotification', 'FW-2', {
        status: 'InvalidSignature',
        requestId: bad.requestId,
      })
      assert.deepEqual(pick(await job(bad.id)), ['InvalidSignature', 'failed'])
      // A late notification adds to the history of an ended job but does not revive it.
      await h.ok('v201', 'FirmwareStatusNotification', 'FW-2', {
        status: 'Installing',
        requestId: bad.requestId,
      })
      assert.deepEqual(pick(await job(bad.id)), ['InvalidSignature', 'failed'])

      answer = 'InvalidCertificate'
      const refused = await post('/v1/stations/FW-2/firmware-updates', {
        firmware: { location: 'https://fw.example.com/x.bin' },
      })
      assert.deepEqual(pick(refused), ['InvalidCertificate', 'failed'])
    } finally {
      station.stop()
    }
    const offline = await post('/v1/stations/FW-2/firmware-updates', {
      firmware: { location: 'https://fw.example.com/x.bin' },
    })
    assert.deepEqual(pick(offline), ['StationOffline', 'failed'])
    const unknown = await h.api('/v1/stations/FW-nobody/firmware-updates', {
      method: 'POST',
      body: JSON.stringify({ firmware: { location: 'https://fw.example.com/x.bin' } }),
    })
    assert.equal(unknown.status, 404)
  })

  it('cancels the running update when the station accepts a newer one with AcceptedCanceled', async () => {
    await h.bootStation('FW-3')
    let answer = 'Accepted'
    const station = fakeStation(h.nc, 'FW-3', { UpdateFirmware: () => ({ status: answer }) })
    try {
      const first = await post('/v1/stations/FW-3/firmware-updates', {
        firmware: { location: 'https://fw.example.com/1.bin' },
      })
      await h.ok('v201', 'FirmwareStatusNotification', 'FW-3', {
        status: 'Downloading',
        requestId: first.requestId,
      })
      answer = 'AcceptedCanceled'
      const second = await post('/v1/stations/FW-3/firmware-updates', {
        firmware: { location: 'https://fw.example.com/2.bin' },
      })
      assert.deepEqual(pick(second), ['AcceptedCanceled', 'open'])
      assert.deepEqual(pick(await job(first.id)), ['Canceled', 'failed'])
    } finally {
      station.stop()
    }
  })

  it('tracks a 1.6 UpdateFirmware, which carries no requestId, by the station open job (L02)', async () => {
    await h.bootStation('FW-16', 'v16')
    const station = fakeStation(h.nc, 'FW-16', {
      UpdateFirmware: () => ({}),
      GetDiagnostics: () => ({ fileName: 'diag.zip' }),
    })
    try {
      const started = await post('/v1/stations/FW-16/firmware-updates', {
        firmware: { location: 'ftp://fw.example.com/old.bin', retrieveDateTime: '2026-11-26T10:00:00Z' },
      })
      assert.deepEqual(station.calls[0], {
        action: 'UpdateFirmware',
        payload: { location: 'ftp://fw.example.com/old.bin', retrieveDate: '2026-11-26T10:00:00Z' },
      })
      for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) {
        await h.ok('v16', 'FirmwareStatusNotification', 'FW-16', { status })
      }
      const done = await job(started.id)
      assert.deepEqual(statuses(done), [
        'Requested',
        'Accepted',
        'Downloading',
        'Downloaded',
        'Installing',
        'Installed',
      ])
      assert.equal(done.outcome, 'succeeded')
      // Idle (the answer to a TriggerMessage with nothing in progress) opens no job.
      await h.ok('v16', 'FirmwareStatusNotification', 'FW-16', { status: 'Idle' })
      const firmwareJobs = await json<{ items: JobSummary[] }>(
        await h.api('/v1/stations/FW-16/jobs?kind=firmware'),
      )
      assert.equal(firmwareJobs.items.length, 1)

      const diag = await post('/v1/stations/FW-16/log-uploads', {
        logType: 'DiagnosticsLog',
        remoteLocation: 'ftp://logs.example.com/up/',
      })
      assert.deepEqual(station.calls[1], {
        action: 'GetDiagnostics',
        payload: { location: 'ftp://logs.example.com/up/' },
      })
      await h.ok('v16', 'DiagnosticsStatusNotification', 'FW-16', { status: 'Uploading' })
      await h.ok('v16', 'DiagnosticsStatusNotification', 'FW-16', { status: 'UploadFailed' })
      assert.deepEqual(pick(await job(diag.id)), ['UploadFailed', 'failed'])
    } finally {
      station.stop()
    }
  })

  it('tracks a log upload through GetLog and LogStatusNotification (N01)', async () => {
    await h.bootStation('FW-4')
    const station = fakeStation(h.nc, 'FW-4', {
      GetLog: () => ({ status: 'Accepted', filename: 'security.log' }),
    })
    try {
      const started = await post('/v1/stations/FW-4/log-uploads', {
        logType: 'SecurityLog',
        remoteLocation: 'https://logs.example.com/upload',
        oldestTimestamp: '2026-11-25T00:00:00.000Z',
      })
      assert.deepEqual(station.calls[0]?.payload, {
        requestId: started.requestId,
        logType: 'SecurityLog',
        log: {
          remoteLocation: 'https://logs.example.com/upload',
          oldestTimestamp: '2026-11-25T00:00:00.000Z',
        },
      })
      await h.ok('v201', 'LogStatusNotification', 'FW-4', {
        status: 'Uploading',
        requestId: started.requestId,
      })
      await h.ok('v201', 'LogStatusNotification', 'FW-4', {
        status: 'Uploaded',
        requestId: started.requestId,
      })
      const done = await job(started.id)
      assert.deepEqual(statuses(done), ['Requested', 'Accepted', 'Uploading', 'Uploaded'])
      assert.deepEqual(done.history[1]?.info, { status: 'Accepted', filename: 'security.log' })
    } finally {
      station.stop()
    }
  })

  it('tracks PublishFirmware sent through /commands, even when the first status overtakes the answer, and its unpublishing (L03, L04)', async () => {
    await h.bootStation('LC-1')
    const station = fakeStation(h.nc, 'LC-1', {
      PublishFirmware: () => ({ status: 'Accepted' }),
      UnpublishFirmware: () => ({ status: 'Unpublished' }),
    })
    try {
      // The local controller's first notification reaches the CSMS before its answer is recorded.
      await h.ok('v201', 'PublishFirmwareStatusNotification', 'LC-1', {
        status: 'Downloading',
        requestId: 77,
      })
      const res = await h.api('/v1/stations/LC-1/commands/PublishFirmware', {
        method: 'POST',
        body: JSON.stringify({
          location: 'https://fw.example.com/lc.bin',
          checksum: 'a'.repeat(32),
          requestId: 77,
        }),
      })
      assert.equal(res.status, 200)
      await h.ok('v201', 'PublishFirmwareStatusNotification', 'LC-1', {
        status: 'Published',
        requestId: 77,
        location: ['http://192.168.1.10/lc.bin'],
      })
      const jobs = await json<{ items: JobSummary[] }>(
        await h.api('/v1/stations/LC-1/jobs?kind=publish-firmware'),
      )
      assert.equal(jobs.items.length, 1, 'one job for requestId 77')
      const done = await job(jobs.items[0]?.id as string)
      assert.deepEqual(statuses(done), ['Downloading', 'Requested', 'Accepted', 'Published'])
      assert.deepEqual([done.outcome, done.responseStatus], ['succeeded', 'Accepted'])
      assert.deepEqual(done.history.at(-1)?.info, { location: ['http://192.168.1.10/lc.bin'] })

      // L04: unpublishing the file is kept in the history of the job that published it.
      const unpublish = await h.api('/v1/stations/LC-1/commands/UnpublishFirmware', {
        method: 'POST',
        body: JSON.stringify({ checksum: 'a'.repeat(32) }),
      })
      assert.deepEqual(await json(unpublish), { status: 'Unpublished' })
      const after = await job(done.id)
      assert.deepEqual(after.history.at(-1), {
        status: 'Unpublish',
        at: after.history.at(-1)?.at,
        info: { status: 'Unpublished' },
      })
      assert.equal(after.outcome, 'succeeded')
    } finally {
      station.stop()
    }
  })
})

function pick(j: JobSummary) {
  return [j.status, j.outcome]
}
