import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chooseTariff, sessionCost, type Tariff } from './cost.js'

const tariff = (over: Partial<Tariff>): Tariff => ({
  id: 't',
  scope: 'default',
  scopeKey: '',
  currency: 'EUR',
  pricePerKwh: 0.3,
  pricePerMinute: 0,
  ...over,
})

describe('tariff and cost', () => {
  it('prices energy per kWh and time per minute, rounded to cents', () => {
    const t = tariff({ pricePerKwh: 0.39, pricePerMinute: 0.05 })
    assert.equal(sessionCost(t, 12_345, '2026-11-26T10:00:00Z', '2026-11-26T10:30:00Z'), 6.31)
    assert.equal(sessionCost(tariff({ pricePerKwh: 0 }), 5000, null, null), 0)
  })

  it('prefers a token group tariff over a site tariff over the default', () => {
    const all = [
      tariff({ id: 'default' }),
      tariff({ id: 'site-a', scope: 'site', scopeKey: 'A' }),
      tariff({ id: 'fleet', scope: 'group', scopeKey: 'FLEET-1' }),
    ]
    assert.equal(chooseTariff(all, { siteId: 'A', groupIdToken: 'fleet-1' })?.id, 'fleet')
    assert.equal(chooseTariff(all, { siteId: 'A', groupIdToken: null })?.id, 'site-a')
    assert.equal(chooseTariff(all, { siteId: 'B', groupIdToken: 'other' })?.id, 'default')
    assert.equal(chooseTariff([], { siteId: 'A', groupIdToken: null }), null)
  })
})
