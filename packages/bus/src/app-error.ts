// One error type inside the platform, with a code union to branch on (never instanceof
// across packages) and its retry meaning, which maps onto JetStream nak(delay) / term().
export const APP_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'station_offline',
  'station_error',
  'timeout',
  'unavailable',
  'internal',
] as const
export type AppErrorCode = (typeof APP_ERROR_CODES)[number]

export class AppError extends Error {
  override readonly name = 'AppError'
  readonly code: AppErrorCode
  readonly retryable: boolean
  readonly details: unknown

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { retryable?: boolean; cause?: unknown; details?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.code = code
    this.retryable = opts.retryable ?? (code === 'timeout' || code === 'unavailable')
    this.details = opts.details
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof Error && (e as { name?: string }).name === 'AppError' && 'code' in e
}
