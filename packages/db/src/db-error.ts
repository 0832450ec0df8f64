/**
 * What went wrong with the database, in terms a repository can act on. Handlers branch on
 * `code`; `retryable` tells a caller (or a JetStream consumer choosing nak or term) whether
 * the same operation may succeed if tried again.
 */
export const DbErrorCode = {
  uniqueViolation: 'unique_violation',
  foreignKeyViolation: 'foreign_key_violation',
  serializationFailure: 'serialization_failure',
  connection: 'connection',
  timeout: 'timeout',
  unknown: 'unknown',
} as const
export type DbErrorCode = (typeof DbErrorCode)[keyof typeof DbErrorCode]

export type DbErrorDetails = {
  code: DbErrorCode
  retryable: boolean
  /** The PostgreSQL SQLSTATE, when the server answered with one. */
  sqlState?: string
  /** The violated constraint, for unique and foreign-key violations. */
  constraint?: string
  table?: string
  /** The migration that failed, for errors thrown by migrateToLatest. */
  migration?: string
  cause?: unknown
}

export class DbError extends Error {
  override readonly name = 'DbError'
  readonly code: DbErrorCode
  readonly retryable: boolean
  readonly sqlState: string | undefined
  readonly constraint: string | undefined
  readonly table: string | undefined
  readonly migration: string | undefined

  constructor(message: string, details: DbErrorDetails) {
    super(message, { cause: details.cause })
    this.code = details.code
    this.retryable = details.retryable
    this.sqlState = details.sqlState
    this.constraint = details.constraint
    this.table = details.table
    this.migration = details.migration
  }
}

/**
 * Recognises a DbError by shape rather than `instanceof`, which fails when two copies of this
 * package end up in one process.
 */
export function isDbError(error: unknown): error is DbError {
  if (!(error instanceof Error) || error.name !== 'DbError') return false
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && (Object.values(DbErrorCode) as string[]).includes(code)
}
