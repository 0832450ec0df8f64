import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { simulateDay } from './support/day-simulation.js'

describe('a simulated day at a 200-EVSE site (deterministic, seeded)', () => {
  it('never exceeds any node limit, never charges below 6 A, and meets every feasible deadline', async () => {
    const started = performance.now()
    const r = await simulateDay({ seed: 20_260_302, evses: 200, day: Date.parse('2026-03-02T00:00:00Z') })
    const ms = performance.now() - started
    console.log(
      JSON.stringify({
        ...r,
        missedFeasible: r.deadlines.missedFeasible.length,
        simulatedInMs: Math.round(ms),
      }),
    )
    assert.ok(r.sessions > 300, `a busy day: ${r.sessions} sessions`)
    assert.deepEqual(r.violations, [], 'a node limit was exceeded')
    assert.deepEqual(r.minimumViolations, [], 'an AC EVSE was given a limit below 6 A')
    assert.deepEqual(r.windowViolations, [], 'an EV charged outside its charging window')
    assert.deepEqual(r.priorityViolations, [], 'a higher priority was paused for a lower one')
    assert.deepEqual(r.deadlines.missedFeasible, [], 'a feasible deadline was missed')
    assert.ok(
      r.deadlines.feasible >= r.deadlines.reported * 0.3,
      `deadlines admitted: ${r.deadlines.feasible} of ${r.deadlines.reported}`,
    )
    assert.ok(
      r.immediateDropComplianceMs !== undefined && r.immediateDropComplianceMs <= 6_000,
      `drop complied in ${r.immediateDropComplianceMs} ms`,
    )
  })

  it('the checker catches an overload: without looking ahead, a scheduled drop lands late', async () => {
    const r = await simulateDay({
      seed: 7,
      evses: 200,
      day: Date.parse('2026-03-02T00:00:00Z'),
      fromH: 6,
      toH: 8.05,
      leadMs: 0,
    })
    assert.ok(
      r.violations.some((v) => v.includes('S:')),
      `expected the 08:00 drop to be exceeded: ${JSON.stringify(r.violations)}`,
    )
  })
})
