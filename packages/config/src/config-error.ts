/** One environment variable that failed, and why, e.g. `{ variable: 'CSMS_API_PORT', … }`. */
export type ConfigIssue = {
  variable: string
  /** Why, with the value received: `expected a port number 1-65535, got "abc"`. */
  message: string
}

/**
 * Thrown once at start-up by `loadConfig` when the environment does not fit the schema.
 * The message lists every bad variable, so one failed start shows everything to fix.
 *
 * Services let it go uncaught, and Node then prints the error's own enumerable properties
 * and its cause after the stack: `issues` is kept out of that print (it repeats the message),
 * and there is no cause (zod's issues, already turned into `issues`, are 30 lines of noise
 * under the one line that names the variable).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  declare readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  ${i.variable}: ${i.message}`)
    super(
      `invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
    )
    Object.defineProperty(this, 'issues', { value: issues, enumerable: false })
  }
}
