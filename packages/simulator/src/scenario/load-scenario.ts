import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import type { z } from 'zod'
import { ScenarioError } from './scenario-error.js'
import { type Scenario, ScenarioSchema } from './scenario-schema.js'

/** Where the ready-made scenarios live: `packages/simulator/scenarios`, beside dist/. */
export const BUILTIN_SCENARIO_DIR = resolve(import.meta.dirname, '../../../scenarios')

export function builtinScenarioNames(): string[] {
  if (!existsSync(BUILTIN_SCENARIO_DIR)) return []
  return readdirSync(BUILTIN_SCENARIO_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort()
}

/** `smoke` finds the built-in scenario; anything with a slash or an extension is a file path. */
export function resolveScenarioPath(nameOrPath: string, cwd = process.cwd()): string {
  if (/^[a-z0-9][a-z0-9-]*$/i.test(nameOrPath)) {
    for (const ext of ['.yaml', '.yml', '.json']) {
      const path = join(BUILTIN_SCENARIO_DIR, nameOrPath + ext)
      if (existsSync(path)) return path
    }
    const local = resolve(cwd, nameOrPath)
    if (existsSync(local)) return local
    throw new ScenarioError(
      `no scenario named "${nameOrPath}" (built-in: ${builtinScenarioNames().join(', ')}; or give a .yaml/.json file)`,
      'not_found',
    )
  }
  const path = resolve(cwd, nameOrPath)
  if (!existsSync(path)) throw new ScenarioError(`scenario file not found: ${path}`, 'not_found')
  return path
}

export function loadScenario(nameOrPath: string, cwd = process.cwd()): Scenario {
  const path = resolveScenarioPath(nameOrPath, cwd)
  return parseScenario(readFileSync(path, 'utf8'), path)
}

/** Parses YAML or JSON text (chosen by the file name) and checks it against the schema. */
export function parseScenario(text: string, source = 'scenario.yaml'): Scenario {
  let raw: unknown
  try {
    raw = extname(source) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true })
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` (line ${error.linePos?.[0]?.line ?? '?'})` : ''
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new ScenarioError(
      `${source}${where}: not valid ${extname(source) === '.json' ? 'JSON' : 'YAML'}: ${message}`,
      'syntax',
      {
        cause: error,
      },
    )
  }
  return checkScenario(raw, source)
}

export function checkScenario(raw: unknown, source = 'scenario'): Scenario {
  const parsed = ScenarioSchema.safeParse(raw)
  if (!parsed.success) {
    throw new ScenarioError(`${source} is not a valid scenario:\n${formatIssues(parsed.error)}`, 'invalid', {
      cause: parsed.error,
    })
  }
  for (const fault of parsed.data.faults) {
    if (fault.at > parsed.data.duration) {
      throw new ScenarioError(
        `${source}: a ${fault.type} fault at ${fault.at / 1000}s is after the end of the run`,
        'invalid',
      )
    }
  }
  return parsed.data
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p, i) =>
        typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`,
      )
      return `  - ${path.join('') || '(top level)'}: ${issue.message}`
    })
    .join('\n')
}

export type ScenarioOverrides = {
  durationMs?: number
  stations?: number
  /** New stations per second during the ramp-up. */
  rampPerSecond?: number
  /** Moves every `storm` fault to this time (a short dry run still gets its storm). */
  stormAtMs?: number
  /** Spreads the fleet over this many simulator processes (at most the per-process cap each). */
  processes?: number
}

/** Command-line overrides on top of a file. */
export function withOverrides(s: Scenario, o: ScenarioOverrides): Scenario {
  const duration = o.durationMs ?? s.duration
  const stations = o.stations ?? s.fleet.stations
  const faults = s.faults
    .map((f) => (f.type === 'storm' && o.stormAtMs !== undefined ? { ...f, at: o.stormAtMs } : f))
    .filter((f) => f.at <= duration)
  if (o.stormAtMs !== undefined && o.stormAtMs > duration) {
    throw new ScenarioError(
      `the storm at ${o.stormAtMs / 1000}s would be after the end of the run (${duration / 1000}s)`,
      'invalid',
    )
  }
  const processes =
    o.processes === undefined
      ? s.processes
      : { ...s.processes, stationsPerProcess: Math.ceil(stations / Math.max(1, o.processes)) }
  if (processes.stationsPerProcess > 18_000) {
    throw new ScenarioError(
      `${processes.stationsPerProcess} stations per process is above the 18,000 a process can hold here`,
      'invalid',
    )
  }
  return {
    ...s,
    duration,
    faults,
    fleet: { ...s.fleet, stations },
    rampUp: { ...s.rampUp, ...(o.rampPerSecond === undefined ? {} : { perSecond: o.rampPerSecond }) },
    processes,
  }
}
