import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseArgs } from '../cli/args.js'
import { planFleet, splitFleet } from '../fleet/fleet-plan.js'
import { STATION_MODELS } from '../model/station-models.js'
import { builtinScenarioNames, loadScenario, parseScenario, withOverrides } from './load-scenario.js'
import { ScenarioError } from './scenario-error.js'

const minimal = `
name: tiny
duration: 30s
fleet:
  stations: 3
  composition:
    - { model: ac-2x22 }
`

describe('scenario files', () => {
  it('ships smoke, steady-10k, storm-50k and peak-v2g, each valid', () => {
    const names = builtinScenarioNames()
    for (const name of ['smoke', 'steady-10k', 'storm-50k', 'peak-v2g']) {
      assert.ok(names.includes(name), name)
      assert.equal(loadScenario(name).name, name)
    }
    const storm = loadScenario('storm-50k')
    assert.equal(storm.fleet.stations, 50_000)
    assert.equal(storm.faults[0]?.type, 'storm')
    assert.ok(storm.processes.stationsPerProcess < 20_000)
    const smoke = loadScenario('smoke')
    assert.equal(smoke.maxErrors, 0)
    assert.equal(
      smoke.behaviour.features.transactions,
      false,
      'smoke uses only what the platform implements today',
    )
  })

  it('fills defaults and reads durations in ms, s, m and h', () => {
    const s = parseScenario(minimal)
    assert.equal(s.duration, 30_000)
    assert.equal(s.behaviour.heartbeatInterval, 'csms')
    assert.equal(s.behaviour.reconnect.minWait, 1_000)
    assert.equal(s.rampUp.perSecond, 50)
    const t = parseScenario(`${minimal}\nbehaviour:\n  meterInterval: 1m30s\n  callTimeout: 500ms\n`)
    assert.equal(t.behaviour.meterInterval, 90_000)
    assert.equal(t.behaviour.callTimeout, 500)
  })

  it('reads JSON as well as YAML', () => {
    const s = parseScenario(
      JSON.stringify({
        name: 'j',
        duration: '1h',
        fleet: { stations: 1, composition: [{ model: 'dc-150' }] },
      }),
      'j.json',
    )
    assert.equal(s.duration, 3_600_000)
  })

  it('names the field at fault in a bad file', () => {
    const bad = minimal.replace('ac-2x22', 'ac-3x99').replace('30s', 'soon')
    assert.throws(
      () => parseScenario(bad, 'bad.yaml'),
      (e: unknown) =>
        e instanceof ScenarioError &&
        e.code === 'invalid' &&
        e.message.includes('bad.yaml') &&
        e.message.includes('fleet.composition[0].model') &&
        e.message.includes('duration: "soon" is not a duration'),
    )
  })

  it('rejects a protocol the station model does not speak, unknown keys, YAML syntax errors and late faults', () => {
    assert.throws(
      () =>
        parseScenario(minimal.replace('{ model: ac-2x22 }', '{ model: ac-legacy-16, protocol: ocpp2.0.1 }')),
      /does not speak that protocol/,
    )
    assert.throws(() => parseScenario(`${minimal}\nstatons: 5\n`), /Unrecognized key.*statons|statons/)
    assert.throws(
      () => parseScenario('name: [unclosed', 'x.yaml'),
      (e: unknown) => e instanceof ScenarioError && e.code === 'syntax' && /line 1/.test(e.message),
    )
    assert.throws(
      () => parseScenario(`${minimal}\nfaults:\n  - { type: drop, at: 40s, fraction: 0.1 }\n`),
      /after the end of the run/,
    )
    assert.throws(
      () => loadScenario('no-such-scenario'),
      (e: unknown) => e instanceof ScenarioError && e.code === 'not_found' && e.message.includes('smoke'),
    )
  })

  it('overrides duration and fleet size from the command line', () => {
    const s = withOverrides(loadScenario('storm-50k'), { durationMs: 60_000, stations: 100 })
    assert.equal(s.fleet.stations, 100)
    assert.equal(s.duration, 60_000)
    assert.equal(s.faults.length, 0, 'a fault after the shortened end is dropped')
  })

  it('scales storm-50k down for a dry run: ramp, storm time and processes from the command line', () => {
    const s = withOverrides(loadScenario('storm-50k'), {
      durationMs: 110_000,
      stations: 4_000,
      rampPerSecond: 100,
      stormAtMs: 60_000,
      processes: 2,
    })
    assert.equal(s.rampUp.perSecond, 100)
    assert.deepEqual(
      s.faults.map((f) => [f.type, f.at]),
      [['storm', 60_000]],
      'the storm is kept, earlier',
    )
    assert.equal(s.processes.stationsPerProcess, 2_000)
    assert.equal(splitFleet(s.fleet.stations, s.processes.stationsPerProcess).length, 2)
    assert.throws(
      () => withOverrides(loadScenario('storm-50k'), { durationMs: 60_000, stormAtMs: 90_000 }),
      /after the end/,
    )
    assert.throws(() => withOverrides(loadScenario('storm-50k'), { processes: 2 }), /18,000/)
  })

  it('reads the dry-run flags and refuses bad values', () => {
    const cmd = parseArgs([
      'run',
      'storm-50k',
      '--stations',
      '4000',
      '--ramp',
      '100',
      '--storm-at',
      '60s',
      '--processes',
      '2',
    ])
    assert.equal(cmd.command, 'run')
    if (cmd.command !== 'run') return
    assert.equal(cmd.rampPerSecond, 100)
    assert.equal(cmd.stormAtMs, 60_000)
    assert.equal(cmd.processes, 2)
    assert.throws(() => parseArgs(['run', 'x', '--ramp', '0']), /--ramp/)
    assert.throws(() => parseArgs(['run', 'x', '--storm-at', 'soon']), /--storm-at/)
    assert.throws(() => parseArgs(['run', 'x', '--processes', '1.5']), /--processes/)
  })

  it('plans the same fleet in every process and splits it under the per-process cap', () => {
    const s = loadScenario('storm-50k')
    const whole = planFleet(s, 0, 2_000)
    assert.deepEqual(planFleet(s, 1_000, 1_010), whole.slice(1_000, 1_010))
    assert.equal(whole[0]?.id, 'SIM-50K-000001')
    for (const spec of whole) assert.ok(STATION_MODELS[spec.model].protocols.includes(spec.protocol))
    const legacy = whole.filter((x) => x.model === 'ac-legacy-16').length / whole.length
    assert.ok(legacy > 0.2 && legacy < 0.3, `composition weights are followed (${legacy})`)
    const ranges = splitFleet(50_000, 12_500)
    assert.equal(ranges.length, 4)
    assert.equal(ranges.at(-1)?.to, 50_000)
    assert.ok(ranges.every((r) => r.to - r.from <= 12_500))
  })
})
