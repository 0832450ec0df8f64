import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '@csms/bus'
import { AdmissionBusyError } from './admission.js'
import { admissionFailure, retryAfterS } from './upgrade-handler.js'

describe('an admission without an answer', () => {
  it('says why in the 503: busy gateway, auth timeout, no auth service, other failure', () => {
    const busy = admissionFailure(new AdmissionBusyError(4_000), 5_000)
    assert.equal(busy.label, 'admission_busy')
    assert.match(busy.reason, /already waiting on 4000 admissions/)
    const late = admissionFailure(new AppError('timeout', 'svc.auth.station.authenticate timed out'), 5_000)
    assert.equal(late.label, 'auth_timeout')
    assert.match(late.reason, /cannot check credentials.*did not answer within 5000 ms/)
    const none = admissionFailure(new AppError('unavailable', 'no auth service answers'), 5_000)
    assert.equal(none.label, 'auth_unavailable')
    assert.match(none.reason, /no auth service is answering/)
    assert.equal(admissionFailure(new Error('bug'), 5_000).label, 'auth_error')
  })

  it('spreads Retry-After between the base and twice the base seconds', () => {
    assert.equal(retryAfterS(5, 0), 5)
    assert.equal(retryAfterS(5, 0.999), 10)
    const seen = new Set(Array.from({ length: 200 }, () => retryAfterS(5)))
    assert.ok(seen.size >= 4, 'a storm of refusals does not all come back in the same second')
    for (const s of seen) assert.ok(s >= 5 && s <= 10)
  })
})
