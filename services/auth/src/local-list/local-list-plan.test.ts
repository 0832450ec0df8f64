import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fitsProtocol, type PlannedEntry, planUpdates, sendLocalListPayload } from './local-list-plan.js'

const entry = (n: number, info = true): PlannedEntry => ({
  ref: { idToken: `TOKEN${n}`, type: 'Central' },
  ...(info ? { info: { status: 'Accepted' as const } } : {}),
})

describe('local list update plan', () => {
  it('sends a full update in chunks: Full first, then differentials with rising versions', () => {
    const plan = planUpdates([entry(1), entry(2), entry(3)], {
      full: true,
      firstVersion: 7,
      itemsPerMessage: 2,
    })
    assert.deepEqual(
      plan.map((m) => [m.updateType, m.versionNumber, m.entries.length]),
      [
        ['Full', 7, 2],
        ['Differential', 8, 1],
      ],
    )
  })

  it('leaves entries without idTokenInfo out of a full update', () => {
    const plan = planUpdates([entry(1), entry(2, false), entry(3)], {
      full: true,
      firstVersion: 4,
      itemsPerMessage: 10,
    })
    assert.deepEqual(
      plan.flatMap((m) => m.entries.map((e) => e.ref.idToken)),
      ['TOKEN1', 'TOKEN3'],
    )
    assert.ok(plan.every((m) => m.entries.every((e) => e.info !== undefined)))
  })

  it('clears the list with one empty Full, and sends nothing for an empty differential', () => {
    assert.deepEqual(planUpdates([], { full: true, firstVersion: 3, itemsPerMessage: 10 }), [
      { updateType: 'Full', versionNumber: 3, entries: [] },
    ])
    assert.deepEqual(planUpdates([], { full: false, firstVersion: 3, itemsPerMessage: 10 }), [])
  })

  it('writes 2.0.1 and 1.6 payloads; an entry without info removes the token', () => {
    const m = { updateType: 'Differential' as const, versionNumber: 4, entries: [entry(1), entry(2, false)] }
    assert.deepEqual(sendLocalListPayload('v201', m), {
      versionNumber: 4,
      updateType: 'Differential',
      localAuthorizationList: [
        { idToken: { idToken: 'TOKEN1', type: 'Central' }, idTokenInfo: { status: 'Accepted' } },
        { idToken: { idToken: 'TOKEN2', type: 'Central' } },
      ],
    })
    assert.deepEqual(sendLocalListPayload('v16', m), {
      listVersion: 4,
      updateType: 'Differential',
      localAuthorizationList: [{ idTag: 'TOKEN1', idTagInfo: { status: 'Accepted' } }, { idTag: 'TOKEN2' }],
    })
    assert.deepEqual(sendLocalListPayload('v201', { updateType: 'Full', versionNumber: 1, entries: [] }), {
      versionNumber: 1,
      updateType: 'Full',
    })
  })

  it('leaves out tokens a protocol cannot carry', () => {
    assert.equal(fitsProtocol('v16', { idToken: 'X'.repeat(21), type: 'Central' }), false)
    assert.equal(fitsProtocol('v201', { idToken: 'X'.repeat(36), type: 'Central' }), true)
    assert.equal(fitsProtocol('v201', { idToken: 'VIN123', type: 'VIN' }), false)
    assert.equal(fitsProtocol('v21', { idToken: 'VIN123', type: 'VIN' }), true)
  })

  it('writes 2.0.1 entries without a group 2.0.1 cannot express; 2.1 keeps it', () => {
    const groupIdToken = { idToken: 'FLEET-1', type: 'Fleet' }
    const m = {
      updateType: 'Full' as const,
      versionNumber: 2,
      entries: [
        { ref: { idToken: 'TOKEN1', type: 'Central' }, info: { status: 'Accepted' as const, groupIdToken } },
      ],
    }
    assert.deepEqual(sendLocalListPayload('v201', m).localAuthorizationList, [
      { idToken: { idToken: 'TOKEN1', type: 'Central' }, idTokenInfo: { status: 'Accepted' } },
    ])
    assert.deepEqual(sendLocalListPayload('v21', m).localAuthorizationList, [
      { idToken: { idToken: 'TOKEN1', type: 'Central' }, idTokenInfo: { status: 'Accepted', groupIdToken } },
    ])
  })
})
