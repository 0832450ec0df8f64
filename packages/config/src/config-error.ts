/** One environment variable that failed, and why, e.g. `{ variable: 'CSMS_API_PORT', … }`. */
export type ConfigIssue = {
  variable: string
  /** Why, with the value received: `expected a port number 1-65535, got "abc"`. */
  message: string
}

/**
 * Thrown once at start-up by `loadConfig` when the environment does not fit the schema.
 * The message lists every bad variable, so one failed start shows everything to fix.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((i) => `  ${i.variable}: ${i.message}`)
    super(
      `invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
      options,
    )
    this.issues = issues
  }
}
