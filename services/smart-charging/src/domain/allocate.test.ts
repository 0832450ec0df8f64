import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRandom } from '../../test/support/prng.js'
import { allocate, type EvseDemand } from './allocate.js'
import { type Electrical, phaseCurrents } from './electrical.js'
import type { GridNode } from './grid-tree.js'

const ac3: Electrical = { current: 'AC', phases: 3, voltage: 230 }
const minAc3 = 6 * 230 * 3

function anEvse(key: string, o: Partial<EvseDemand> = {}): EvseDemand {
  return {
    key,
    nodeId: 'site',
    electrical: ac3,
    minW: minAc3,
    maxW: 22_080,
    priority: 0,
    eligible: true,
    since: 0,
    ...o,
  }
}

const site = (limitW?: number, limitA?: number): GridNode => ({ id: 'site', parentId: null, limitW, limitA })
const watts = (m: Map<string, { watts: number }>, key: string) => m.get(key)?.watts ?? Number.NaN

describe('allocate', () => {
  it('shares a site limit equally among equal EVSEs', () => {
    const out = allocate([site(33_120)], [anEvse('a'), anEvse('b'), anEvse('c')])
    for (const k of ['a', 'b', 'c']) assert.equal(watts(out, k), 16 * 690)
    assert.equal(out.get('a')?.amps, 16)
  })

  it('gives everyone their maximum when the limit allows', () => {
    const out = allocate([site(100_000)], [anEvse('a'), anEvse('b', { maxW: 11_040 })])
    assert.equal(watts(out, 'a'), 22_080)
    assert.equal(watts(out, 'b'), 11_040)
  })

  it('honours a group limit inside the site and gives the rest to the others', () => {
    const nodes: GridNode[] = [site(60_000), { id: 'g', parentId: 'site', limitW: 9_000 }]
    const out = allocate(nodes, [anEvse('a', { nodeId: 'g' }), anEvse('b', { nodeId: 'g' }), anEvse('c')])
    assert.ok(watts(out, 'a') + watts(out, 'b') <= 9_000)
    assert.equal(watts(out, 'c'), 22_080)
  })

  it('pauses rather than allocating below the 6 A minimum, lowest priority first', () => {
    const out = allocate(
      [site(2 * minAc3 + 1_000)],
      [anEvse('low', { priority: -1 }), anEvse('high', { priority: 5 }), anEvse('mid')],
    )
    assert.equal(watts(out, 'low'), 0)
    assert.equal(out.get('low')?.reason, 'no_capacity')
    assert.ok(watts(out, 'high') >= minAc3)
    assert.ok(watts(out, 'mid') >= minAc3)
  })

  it('fills a higher priority class before a lower one gets more than its minimum', () => {
    const out = allocate([site(25_000)], [anEvse('vip', { priority: 3 }), anEvse('std')])
    assert.equal(watts(out, 'std'), minAc3)
    assert.equal(out.get('vip')?.amps, 30.2)
  })

  it('serves an accepted deadline its required power before shares', () => {
    const out = allocate(
      [site(30_000)],
      [anEvse('deadline', { requiredW: 15_000 }), anEvse('x', { priority: 9 }), anEvse('y', { priority: 9 })],
    )
    assert.ok(watts(out, 'deadline') >= 15_000)
    assert.ok(watts(out, 'x') + watts(out, 'y') + watts(out, 'deadline') <= 30_000)
  })

  it('books pinned consumption first and leaves an ineligible EVSE at 0', () => {
    const out = allocate(
      [site(30_000)],
      [anEvse('stuck', { pinnedW: 20_000 }), anEvse('free'), anEvse('closed', { eligible: false })],
    )
    assert.equal(watts(out, 'stuck'), 20_000)
    assert.ok(watts(out, 'free') <= 10_000)
    assert.equal(watts(out, 'closed'), 0)
    assert.equal(out.get('closed')?.reason, 'ineligible')
  })

  it('keeps each phase under its current limit with single-phase EVs', () => {
    const l1: Electrical = { current: 'AC', phases: 1, phaseSet: [1], voltage: 230 }
    const l2: Electrical = { current: 'AC', phases: 1, phaseSet: [2], voltage: 230 }
    const out = allocate(
      [site(undefined, 40)],
      [
        anEvse('a', { electrical: l1, minW: 1_380, maxW: 7_360 }),
        anEvse('b', { electrical: l1, minW: 1_380, maxW: 7_360 }),
        anEvse('c', { electrical: l2, minW: 1_380, maxW: 7_360 }),
      ],
    )
    assert.ok((out.get('a')?.amps ?? 99) + (out.get('b')?.amps ?? 99) <= 40)
    assert.equal(out.get('c')?.amps, 32)
  })

  it('gives DC EVSEs power without an AC minimum', () => {
    const dc: Electrical = { current: 'DC', phases: 3, voltage: 230 }
    const out = allocate(
      [site(10_000)],
      [
        anEvse('d1', { electrical: dc, minW: 0, maxW: 50_000 }),
        anEvse('d2', { electrical: dc, minW: 0, maxW: 50_000 }),
      ],
    )
    assert.equal(watts(out, 'd1'), 5_000)
    assert.equal(out.get('d1')?.amps, undefined)
  })

  it('never exceeds any node, in watts or per phase, over 300 random trees', () => {
    const random = createRandom(42)
    for (let round = 0; round < 300; round++) {
      const nodes: GridNode[] = [
        {
          id: 'n0',
          parentId: null,
          limitW: random.between(0, 400_000),
          limitA: random.chance(0.5) ? random.between(0, 600) : undefined,
        },
      ]
      const count = random.int(1, 8)
      for (let i = 1; i < count; i++) {
        nodes.push({
          id: `n${i}`,
          parentId: `n${random.int(0, i - 1)}`,
          limitW: random.chance(0.7) ? random.between(0, 150_000) : undefined,
          limitA: random.chance(0.3) ? random.between(0, 200) : undefined,
        })
      }
      const evses: EvseDemand[] = Array.from({ length: random.int(0, 60) }, (_, i) => {
        const dc = random.chance(0.2)
        const phases = dc ? 3 : (random.pick([1, 3, 3, 2]) as 1 | 2 | 3)
        const electrical: Electrical = dc
          ? { current: 'DC', phases: 3, voltage: 230 }
          : {
              current: 'AC',
              phases,
              voltage: 230,
              phaseSet: phases === 1 ? [random.pick([1, 2, 3] as const)] : undefined,
            }
        const minW = dc ? 0 : 6 * 230 * phases
        return anEvse(`e${i}`, {
          nodeId: `n${random.int(0, count - 1)}`,
          electrical,
          minW,
          maxW: dc ? random.between(20_000, 150_000) : random.int(6, 32) * 230 * phases,
          priority: random.int(-1, 2),
          eligible: random.chance(0.9),
          idle: random.chance(0.1),
          requiredW: random.chance(0.3) ? random.between(0, 20_000) : undefined,
          since: i,
        })
      })
      const out = allocate(nodes, evses)
      const sumW = new Map<string, number>()
      const sumA = new Map<string, [number, number, number]>()
      for (const e of evses) {
        const a = out.get(e.key)
        assert.ok(a)
        assert.ok(a.watts === 0 || a.watts >= e.minW - 1e-6, `${e.key} below its minimum: ${a.watts}`)
        assert.ok(a.watts <= e.maxW + 1e-6, `${e.key} above its maximum`)
        if (e.electrical.current === 'AC') assert.ok(a.amps === 0 || (a.amps ?? 0) >= 6)
        const phase = phaseCurrents(a.watts, e.electrical)
        let n: string | null = e.nodeId
        while (n !== null) {
          sumW.set(n, (sumW.get(n) ?? 0) + a.watts)
          const s = sumA.get(n) ?? [0, 0, 0]
          sumA.set(n, [s[0] + phase[0], s[1] + phase[1], s[2] + phase[2]])
          n = nodes.find((x) => x.id === n)?.parentId ?? null
        }
      }
      for (const node of nodes) {
        assert.ok(
          (sumW.get(node.id) ?? 0) <= (node.limitW ?? Number.POSITIVE_INFINITY) + 1e-3,
          `round ${round}: ${node.id} over its power limit`,
        )
        for (const a of sumA.get(node.id) ?? [])
          assert.ok(
            a <= (node.limitA ?? Number.POSITIVE_INFINITY) + 1e-6,
            `round ${round}: ${node.id} over its phase limit`,
          )
      }
    }
  })
})
