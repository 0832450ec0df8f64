#!/usr/bin/env node
import { runScenario } from '../fleet/run-scenario.js'
import { builtinScenarioNames, loadScenario, withOverrides } from '../scenario/load-scenario.js'
import { ScenarioError } from '../scenario/scenario-error.js'
import { parseArgs, USAGE, UsageError } from './args.js'

// `csms-sim`: load-test a CSMS with a simulated fleet (see the package README).

async function main(argv: readonly string[]): Promise<number> {
  const cmd = parseArgs(argv)
  if (cmd.command === 'help') {
    console.log(USAGE)
    return 0
  }
  if (cmd.command === 'list') {
    for (const name of builtinScenarioNames()) {
      const s = loadScenario(name)
      console.log(
        `${name.padEnd(14)} ${String(s.fleet.stations).padStart(6)} stations  ${s.duration / 1000}s  ${s.description}`,
      )
    }
    return 0
  }
  const scenario = withOverrides(loadScenario(cmd.scenario), {
    ...(cmd.durationMs === undefined ? {} : { durationMs: cmd.durationMs }),
    ...(cmd.stations === undefined ? {} : { stations: cmd.stations }),
    ...(cmd.rampPerSecond === undefined ? {} : { rampPerSecond: cmd.rampPerSecond }),
    ...(cmd.stormAtMs === undefined ? {} : { stormAtMs: cmd.stormAtMs }),
    ...(cmd.processes === undefined ? {} : { processes: cmd.processes }),
  })
  const abort = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[csms-sim] ${signal}: stopping the fleet and writing the report\n`)
      abort.abort()
    })
  }
  const { report, files } = await runScenario({
    scenario,
    url: cmd.url,
    reportDir: cmd.reportDir,
    live: process.stdout,
    inProcess: cmd.inProcess,
    signal: abort.signal,
  })
  const s = report.summary
  console.log(
    `\n[csms-sim] ${scenario.name}: ${s.peakConnected}/${s.stations} stations connected at peak, ${s.calls} calls, ` +
      `p50 ${s.latency.p50} ms, p95 ${s.latency.p95} ms, p99 ${s.latency.p99} ms, ${s.errors} errors`,
  )
  console.log(`[csms-sim] report: ${files.html}\n[csms-sim]         ${files.json}`)
  if (scenario.maxErrors !== undefined && s.errors > scenario.maxErrors) {
    console.error(`[csms-sim] FAILED: ${s.errors} errors, the scenario allows ${scenario.maxErrors}`)
    return 1
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`csms-sim: ${error.message}\n\n${USAGE}`)
    else if (error instanceof ScenarioError) console.error(`csms-sim: ${error.message}`)
    else console.error(error)
    process.exit(2)
  },
)
