import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { applyPoints, NO_ENERGY, type RegisterPoint, rebuildEnergy, registerPoints } from './energy.js'
import { readingsFromV2 } from './readings.js'

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString()
const p = (minute: number, wh: number): RegisterPoint => ({ at: at(minute), wh })

describe('session energy', () => {
  it('is the register difference, not the register: meterStart is not 0', () => {
    const { state } = applyPoints(NO_ENERGY, [p(0, 1_000_000), p(10, 1_002_500), p(20, 1_004_000)])
    assert.equal(state.importedWh, 4000)
    assert.equal(state.firstWh, 1_000_000)
    assert.equal(state.lastWh, 1_004_000)
  })

  it('does not bill a register reset, and counts on from the new baseline', () => {
    const { state } = applyPoints(NO_ENERGY, [p(0, 1000), p(10, 1500), p(20, 20), p(30, 120)])
    assert.equal(state.importedWh, 600)
    assert.equal(state.resets, 1)
  })

  it('does not bill a jump no charger could deliver (a meter swapped for one with a higher register)', () => {
    const { state } = applyPoints(NO_ENERGY, [p(0, 1000), p(1, 1500), p(2, 9_000_000), p(3, 9_000_400)])
    assert.equal(state.importedWh, 900)
    assert.equal(state.resets, 1)
  })

  it('ignores the same instant twice and asks for a rebuild when an older reading arrives', () => {
    const first = applyPoints(NO_ENERGY, [p(0, 100), p(20, 300)])
    const again = applyPoints(first.state, [p(20, 300)])
    assert.deepEqual(again, { state: first.state, needsRebuild: false })
    const late = applyPoints(first.state, [p(10, 250)])
    assert.equal(late.needsRebuild, true)
    assert.equal(rebuildEnergy([p(20, 300), p(10, 250), p(0, 100)]).importedWh, 200)
  })

  it('bills only the total import register at the outlet, in Wh or kWh', () => {
    const readings = readingsFromV2([
      {
        timestamp: at(0),
        sampledValue: [
          { value: 12.5, unitOfMeasure: { unit: 'kWh' } },
          { value: 4000, phase: 'L1' },
          { value: 55_000, location: 'EV' },
          { value: 9, measurand: 'Energy.Active.Export.Register' },
          { value: 7, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
        ],
      },
    ])
    assert.deepEqual(registerPoints(readings), [{ at: at(0), wh: 12_500 }])
  })
})
