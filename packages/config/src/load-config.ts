import type { z } from 'zod'
import { ConfigError, type ConfigIssue } from './config-error.js'
import { describeValue } from './describe-value.js'

export type Env = Readonly<Record<string, string | undefined>>

/**
 * Parses the environment once, at start-up, against a zod object whose keys are variable
 * names. Returns the typed, frozen result or throws a ConfigError naming every bad variable.
 *
 * An empty variable (`FOO=`) counts as unset, so schema defaults apply: orchestrators and
 * compose files often pass empty strings for "not configured".
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): Readonly<z.output<S>> {
  const input: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') input[key] = value
  }
  const result = schema.safeParse(input)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, input)))
  }
  return Object.freeze(result.data)
}

function toConfigIssue(issue: z.core.$ZodIssue, input: Record<string, string>): ConfigIssue {
  const [first, ...rest] = issue.path
  const variable = String(first ?? '(environment)')
  // A csv() item is named by its position, counted from 1 as a person reads the list.
  const where = rest.map((p) => (typeof p === 'number' ? `item ${p + 1}` : String(p))).join(', ')
  const raw = first === undefined ? undefined : input[String(first)]
  if (raw === undefined && issue.code === 'invalid_type') {
    return { variable, message: 'required but not set' }
  }
  const message = `${where ? `${where}: ` : ''}${issue.message}`
  return {
    variable,
    message: raw === undefined ? message : `${message}, got ${describeValue(variable, raw)}`,
  }
}
