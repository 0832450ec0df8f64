/** A scenario that cannot be run, with a message that names the file and the field at fault. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError'
  constructor(
    message: string,
    readonly code: 'not_found' | 'syntax' | 'invalid',
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}
