import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { outcomeOfAnswer, outcomeOfStatus } from './job-status.js'

describe('job outcomes', () => {
  it('keeps a firmware job open through its intermediate statuses and ends it at Installed', () => {
    for (const s of [
      'Downloading',
      'Downloaded',
      'SignatureVerified',
      'InstallScheduled',
      'Installing',
      'InstallRebooting',
    ]) {
      assert.equal(outcomeOfStatus('firmware', s), 'open', s)
    }
    assert.equal(outcomeOfStatus('firmware', 'Installed'), 'succeeded')
  })

  it('fails a firmware job on each failure end state', () => {
    for (const s of [
      'DownloadFailed',
      'InstallationFailed',
      'InstallVerificationFailed',
      'InvalidSignature',
    ]) {
      assert.equal(outcomeOfStatus('firmware', s), 'failed', s)
    }
  })

  it('fails a job the station refused and keeps an accepted one open', () => {
    assert.equal(outcomeOfAnswer('firmware', 'Accepted'), 'open')
    assert.equal(outcomeOfAnswer('firmware', 'InvalidCertificate'), 'failed')
    assert.equal(outcomeOfAnswer('log', 'Rejected'), 'failed')
  })

  it('ends a report at once when the station has nothing to report', () => {
    assert.equal(outcomeOfAnswer('report', 'EmptyResultSet'), 'succeeded')
    assert.equal(outcomeOfAnswer('report', 'NotSupported'), 'failed')
  })

  it('maps the 1.6 diagnostics statuses onto the log job', () => {
    assert.equal(outcomeOfStatus('log', 'Uploaded'), 'succeeded')
    assert.equal(outcomeOfStatus('log', 'UploadFailed'), 'failed')
    assert.equal(outcomeOfStatus('log', 'Uploading'), 'open')
  })
})
