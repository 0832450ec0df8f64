import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type ProfileSend, Rebalancer, type SendOutcome } from './rebalancer.js'
import type { EvseState, SiteModel } from './site-model.js'

function anEvse(key: string, boundW: number): EvseState {
  return {
    key,
    stationId: key,
    evseId: 1,
    transactionId: `tx-${key}`,
    nodeId: 'site',
    idToken: null,
    groupIdToken: null,
    since: 0,
    electrical: { current: 'DC', phases: 3, voltage: 230 },
    maxW: 50_000,
    minW: 0,
    idle: false,
    need: undefined,
    energyWh: 0,
    measuredW: null,
    measuredAt: null,
    boundW,
    profile: 'accepted',
    appliedW: boundW,
    appliedA: null,
    pinnedUntil: undefined,
    allocation: undefined,
  }
}

function aSite(limitW: number, evses: EvseState[]): SiteModel {
  return {
    siteId: 'site',
    nodes: new Map([['site', { id: 'site', parentId: null, limits: { limitW } }]]),
    evses: new Map(evses.map((e) => [e.key, e])),
    rules: [],
  }
}

const options = { leadMs: 0, deadlineMarginMs: 0, minRaiseW: 100, retryMs: 60_000, concurrency: 8 }

describe('rebalancer', () => {
  it('sends every decrease and waits for the answers before any increase', async () => {
    const log: string[] = []
    const pending: Array<() => void> = []
    const send = (s: ProfileSend) => {
      log.push(`send ${s.evse.key} ${s.toW}`)
      return new Promise<SendOutcome>((resolve) => pending.push(() => resolve('accepted')))
    }
    const model = aSite(60_000, [anEvse('a', 40_000), anEvse('b', 20_000)])
    const r = new Rebalancer({ now: () => 0, send, options })
    model.evses.set('c', { ...anEvse('c', 0), profile: 'none' })
    r.trigger(model, 'started')
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(log, ['send a 20000'])
    for (const p of pending.splice(0)) p()
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(log.slice(1).sort(), ['send c 20000'])
    for (const p of pending.splice(0)) p()
    await r.idle()
    assert.equal(model.evses.get('c')?.boundW, 20_000)
  })

  it('holds a station that refused a decrease at its old limit and fits the others around it', async () => {
    const sent: ProfileSend[] = []
    const send = async (s: ProfileSend): Promise<SendOutcome> => {
      sent.push(s)
      return s.evse.key === 'a' ? 'rejected' : 'accepted'
    }
    const model = aSite(50_000, [anEvse('a', 40_000), anEvse('b', 10_000)])
    const r = new Rebalancer({ now: () => 1_000, send, options })
    model.evses.set('c', { ...anEvse('c', 0), profile: 'none' })
    r.trigger(model, 'started')
    await r.idle()
    const a = model.evses.get('a')
    assert.equal(a?.boundW, 40_000)
    assert.equal(a?.pinnedUntil, 61_000)
    const total = [...model.evses.values()].reduce((sum, e) => sum + e.boundW, 0)
    assert.ok(total <= 50_000, `bounds add up to ${total}`)
    assert.ok(sent.some((s) => s.evse.key === 'c'))
  })
})
