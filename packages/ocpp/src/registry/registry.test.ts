import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { z } from 'zod'
import type * as v16 from '../generated/v16.js'
import type * as v21 from '../generated/v21.js'
import type * as v201 from '../generated/v201.js'
import {
  type ActionOf,
  actionInfo,
  actionsOf,
  type CsmsActionOf,
  isActionOf,
  type RequestOf,
  type ResponseOf,
  type StationActionOf,
} from './registry.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const typeChecks: true[] = [
  true satisfies Equal<RequestOf<'v201', 'BootNotification'>, v201.BootNotificationRequest>,
  true satisfies Equal<ResponseOf<'v16', 'StartTransaction'>, v16.StartTransactionResponse>,
  true satisfies Equal<ResponseOf<'v21', 'NotifyPeriodicEventStream'>, never>,
  true satisfies Equal<Extract<ActionOf<'v16'>, 'TransactionEvent'>, never>,
  true satisfies Equal<Extract<StationActionOf<'v201'>, 'Reset' | 'Heartbeat'>, 'Heartbeat'>,
  true satisfies Equal<
    Extract<CsmsActionOf<'v201'>, 'Reset' | 'Heartbeat' | 'DataTransfer'>,
    'Reset' | 'DataTransfer'
  >,
  true satisfies Equal<z.infer<typeof v21.StatusNotificationRequestSchema>, v21.StatusNotificationRequest>,
]

describe('registry', () => {
  it('holds every action of each version: 39 in 1.6 (with the security extension), 64 in 2.0.1, 91 in 2.1', () => {
    assert.equal(typeChecks.length, 7)
    assert.equal(actionsOf('v16').length, 39)
    assert.equal(actionsOf('v201').length, 64)
    assert.equal(actionsOf('v21').length, 91)
  })

  it('keeps every 2.0.1 action in 2.1, in the same direction', () => {
    for (const action of actionsOf('v201')) {
      assert.equal(actionInfo('v21', action)?.sender, actionInfo('v201', action)?.sender, action)
    }
  })

  it('says who sends each action', () => {
    assert.equal(actionInfo('v16', 'StartTransaction')?.sender, 'station')
    assert.equal(actionInfo('v201', 'GetVariables')?.sender, 'csms')
    assert.equal(actionInfo('v21', 'DataTransfer')?.sender, 'both')
    assert.equal(actionInfo('v21', 'NotifyAllowedEnergyTransfer')?.sender, 'csms')
  })

  it('marks the 2.1 SEND-only action and gives it a response schema that accepts nothing', () => {
    const info = actionInfo('v21', 'NotifyPeriodicEventStream')
    assert.equal(info?.transport, 'send')
    assert.equal(info?.response.safeParse({}).success, false)
    assert.equal(actionInfo('v21', 'BootNotification')?.transport, 'call')
  })

  it('finds nothing for names inherited from Object.prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(actionInfo('v201', name), undefined)
      assert.equal(isActionOf('v201', name), false)
    }
  })

  it('hands out the generated zod schemas', () => {
    const boot = actionInfo('v201', 'BootNotification')
    assert.equal(
      boot?.request.safeParse({ reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } })
        .success,
      true,
    )
    assert.equal(boot?.response.safeParse({ status: 'Accepted' }).success, false)
  })
})
