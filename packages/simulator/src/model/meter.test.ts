import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRandom } from '../util/random.js'
import { allowedPowerW, applyEnergy, drawEv, type Ev } from './ev.js'
import { EnergyMeter } from './meter.js'

const HOUR = 3_600_000

describe('EnergyMeter', () => {
  it('books exactly the energy of the power it was given, stretch by stretch', () => {
    const m = new EnergyMeter(12_345, 0)
    m.setPower(11_000, 0)
    m.setPower(22_000, HOUR / 2) // 5.5 kWh so far
    m.setPower(0, HOUR) // + 11 kWh
    const r = m.read(2 * HOUR) // nothing more at 0 W
    assert.equal(r.importWh, 12_345 + 5_500 + 11_000)
    assert.equal(r.exportWh, 0)
    assert.equal(r.powerW, 0)
  })

  it('counts discharge on the export register and never decreases a register', () => {
    const m = new EnergyMeter(1_000, 0)
    m.setPower(-11_000, 0)
    const r = m.read(HOUR / 4)
    assert.equal(r.importWh, 1_000)
    assert.equal(r.exportWh, 2_750)
    assert.equal(m.read(HOUR / 8).exportWh, 2_750, 'reading the past changes nothing')
  })

  it('keeps the register equal to the sum of power × time over many random changes', () => {
    const random = createRandom(7)
    const m = new EnergyMeter(500, 0)
    let t = 0
    let p = 0
    let expected = 500
    for (let i = 0; i < 1_000; i++) {
      const dt = Math.round(random.between(1, 120_000))
      expected += (p * dt) / HOUR
      t += dt
      p = Math.round(random.between(0, 150_000))
      m.setPower(p, t)
    }
    assert.ok(Math.abs(m.read(t).importWh - expected) < 1e-6)
  })
})

describe('allowed power', () => {
  const ev = (over: Partial<Ev> = {}): Ev => ({
    batteryWh: 60_000,
    soc: 0.5,
    targetSoc: 0.9,
    minSoc: 0.2,
    maxAcW: 11_000,
    maxDcW: 100_000,
    maxDischargeW: 11_000,
    departureAt: 0,
    ...over,
  })
  const evse = { evseMaxW: 22_000, evseMaxDischargeW: 11_000, current: 'AC' as const, operative: true }

  it('is the least of EVSE, EV and charging profile', () => {
    assert.equal(allowedPowerW(ev(), { ...evse, profileLimitW: undefined }), 11_000)
    assert.equal(allowedPowerW(ev({ maxAcW: 22_000 }), { ...evse, profileLimitW: 7_400 }), 7_400)
    assert.equal(allowedPowerW(ev(), { ...evse, profileLimitW: 0 }), 0)
    assert.equal(allowedPowerW(ev(), { ...evse, profileLimitW: undefined, operative: false }), 0)
  })

  it('stops at the target and discharges on a negative limit down to the minimum state of charge', () => {
    assert.equal(allowedPowerW(ev({ soc: 0.9 }), { ...evse, profileLimitW: undefined }), 0)
    assert.equal(allowedPowerW(ev(), { ...evse, profileLimitW: -5_000 }), -5_000)
    assert.equal(allowedPowerW(ev(), { ...evse, profileLimitW: -50_000 }), -11_000)
    assert.equal(allowedPowerW(ev({ soc: 0.2 }), { ...evse, profileLimitW: -5_000 }), 0)
    assert.equal(allowedPowerW(ev({ maxDischargeW: 0 }), { ...evse, profileLimitW: -5_000 }), -0)
  })

  it('tapers DC power above 80 % state of charge', () => {
    const dc = { ...evse, evseMaxW: 150_000, current: 'DC' as const, profileLimitW: undefined }
    assert.equal(allowedPowerW(ev({ soc: 0.5, targetSoc: 1 }), dc), 100_000)
    assert.ok(allowedPowerW(ev({ soc: 0.9, targetSoc: 1 }), dc) < 100_000)
  })

  it('moves the state of charge with the energy and draws EVs within their ranges', () => {
    const e = drawEv(
      createRandom(3),
      { batteryKwh: [40, 100], arrivalSoc: [0.1, 0.6], targetSoc: [0.8, 1], bidirectionalShare: 0 },
      1_000,
      60_000,
    )
    assert.ok(e.batteryWh >= 40_000 && e.batteryWh <= 100_000 && e.soc >= 0.1 && e.soc < 0.6)
    assert.equal(e.maxDischargeW, 0)
    assert.equal(e.departureAt, 61_000)
    const before = e.soc
    applyEnergy(e, e.batteryWh / 10)
    assert.ok(Math.abs(e.soc - before - 0.1) < 1e-9)
  })
})
