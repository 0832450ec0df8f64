import { parseDuration } from '../util/duration.js'

export type CliCommand =
  | {
      command: 'run'
      scenario: string
      url: string
      durationMs?: number
      stations?: number
      rampPerSecond?: number
      stormAtMs?: number
      processes?: number
      reportDir: string
      inProcess: boolean
    }
  | { command: 'list' }
  | { command: 'help' }

export const USAGE = `usage: csms-sim run <scenario-name-or-file> [options]
       csms-sim list

  --url URL[,URL…]    gateway base URL (default ws://127.0.0.1:9000/ocpp, or CSMS_SIM_URL);
                      several spread the fleet over gateway processes
  --duration D        override the scenario's duration (e.g. 60s, 10m)
  --stations N        override the fleet size
  --ramp N            override the ramp-up rate (new stations per second)
  --storm-at D        move the scenario's reconnection storm to D after the start (e.g. 60s),
                      so a shortened run still has its storm
  --processes N       spread the fleet over N simulator processes (default: the scenario's
                      stationsPerProcess decides)
  --report-dir DIR    where report.json and report.html go (default ./csms-sim-report/<scenario>-<time>)
  --in-process        keep every station in this process (small fleets)

Built-in scenarios: run "csms-sim list". A run exits 1 when the scenario's maxErrors is exceeded.`

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' }
  if (command === 'list') return { command: 'list' }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"`)
  let scenario: string | undefined
  let url = env.CSMS_SIM_URL ?? 'ws://127.0.0.1:9000/ocpp'
  let durationMs: number | undefined
  let stations: number | undefined
  let rampPerSecond: number | undefined
  let stormAtMs: number | undefined
  let processes: number | undefined
  let reportDir: string | undefined
  let inProcess = false
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined]
    const value = () => {
      const v = inline ?? rest[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--url':
        url = value()
        if (!url.split(',').every((u) => /^wss?:\/\//.test(u.trim()))) {
          throw new UsageError(
            `--url must be ws:// or wss:// URLs (comma-separated for several gateways), not ${url}`,
          )
        }
        break
      case '--duration': {
        const v = value()
        durationMs = parseDuration(v)
        if (durationMs === undefined || durationMs <= 0)
          throw new UsageError(`--duration: "${v}" is not a duration (e.g. 60s, 10m)`)
        break
      }
      case '--stations': {
        const v = value()
        stations = Number(v)
        if (!Number.isInteger(stations) || stations < 1)
          throw new UsageError(`--stations: "${v}" is not a positive whole number`)
        break
      }
      case '--ramp': {
        const v = value()
        rampPerSecond = Number(v)
        if (!Number.isFinite(rampPerSecond) || rampPerSecond <= 0)
          throw new UsageError(`--ramp: "${v}" is not a positive number of stations per second`)
        break
      }
      case '--storm-at': {
        const v = value()
        stormAtMs = parseDuration(v)
        if (stormAtMs === undefined || stormAtMs < 0)
          throw new UsageError(`--storm-at: "${v}" is not a duration (e.g. 60s, 2m)`)
        break
      }
      case '--processes': {
        const v = value()
        processes = Number(v)
        if (!Number.isInteger(processes) || processes < 1 || processes > 64)
          throw new UsageError(`--processes: "${v}" is not a whole number from 1 to 64`)
        break
      }
      case '--report-dir':
        reportDir = value()
        break
      case '--in-process':
        inProcess = true
        break
      default:
        if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}`)
        if (scenario !== undefined)
          throw new UsageError(`one scenario at a time (got "${scenario}" and "${arg}")`)
        scenario = arg
    }
  }
  if (scenario === undefined) throw new UsageError('which scenario? e.g. csms-sim run smoke')
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
  const name = scenario.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '')
  return {
    command: 'run',
    scenario,
    url,
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(stations === undefined ? {} : { stations }),
    ...(rampPerSecond === undefined ? {} : { rampPerSecond }),
    ...(stormAtMs === undefined ? {} : { stormAtMs }),
    ...(processes === undefined ? {} : { processes }),
    reportDir: reportDir ?? `csms-sim-report/${name}-${stamp}`,
    inProcess,
  }
}
