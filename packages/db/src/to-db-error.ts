import { DbError, type DbErrorCode, isDbError } from './db-error.js'

type Classified = { code: DbErrorCode; retryable: boolean }

// SQLSTATEs matched exactly; whole classes are handled below.
// https://www.postgresql.org/docs/current/errcodes-appendix.html
const BY_SQLSTATE: Readonly<Record<string, Classified>> = {
  '23505': { code: 'unique_violation', retryable: false },
  '23503': { code: 'foreign_key_violation', retryable: false },
  '40001': { code: 'serialization_failure', retryable: true },
  '40P01': { code: 'serialization_failure', retryable: true }, // deadlock_detected
  '57P01': { code: 'connection', retryable: true }, // admin_shutdown: a restart or failover
  '57P02': { code: 'connection', retryable: true }, // crash_shutdown
  '57P03': { code: 'connection', retryable: true }, // cannot_connect_now: still starting
  '53300': { code: 'connection', retryable: true }, // too_many_connections
  '57014': { code: 'timeout', retryable: true }, // query_canceled: statement_timeout
  '55P03': { code: 'timeout', retryable: true }, // lock_not_available: lock_timeout
  '25P03': { code: 'timeout', retryable: true }, // idle_in_transaction_session_timeout
}

// Errors raised by Node's sockets when the server is unreachable or went away.
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

// pg reports a dropped or timed-out connection with a message only, no code.
const CONNECTION_MESSAGES = [/connection terminated/i, /not queryable/i, /connection.*(closed|ended)/i]
const TIMEOUT_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /query read timeout/i,
]

function classify(error: { code?: unknown; message?: unknown }): Classified {
  const code = typeof error.code === 'string' ? error.code : undefined
  const message = typeof error.message === 'string' ? error.message : ''
  if (code !== undefined) {
    const exact = BY_SQLSTATE[code]
    if (exact) return exact
    // Class 08: connection exceptions, raised while connecting or when the link breaks.
    if (/^08[0-9A-Z]{3}$/.test(code)) return { code: 'connection', retryable: true }
    if (code === 'ETIMEDOUT') return { code: 'timeout', retryable: true }
    if (CONNECTION_ERRNOS.has(code)) return { code: 'connection', retryable: true }
  }
  if (TIMEOUT_MESSAGES.some((re) => re.test(message))) return { code: 'timeout', retryable: true }
  if (CONNECTION_MESSAGES.some((re) => re.test(message))) return { code: 'connection', retryable: true }
  return { code: 'unknown', retryable: false }
}

function stringField(error: object, key: string): string | undefined {
  const value = (error as Record<string, unknown>)[key]
  return typeof value === 'string' ? value : undefined
}

/**
 * Turns whatever pg, pg-pool or kysely threw into a DbError, once, at the repository
 * boundary, so no pg error shape leaks into handlers. A DbError passes through unchanged.
 */
export function toDbError(error: unknown): DbError {
  if (isDbError(error)) return error
  if (typeof error !== 'object' || error === null) {
    return new DbError(`database error: ${String(error)}`, {
      code: 'unknown',
      retryable: false,
      cause: error,
    })
  }
  const { code, retryable } = classify(error)
  const message = stringField(error, 'message') ?? 'database error'
  const sqlState = stringField(error, 'code')
  const constraint = stringField(error, 'constraint')
  const table = stringField(error, 'table')
  return new DbError(message, {
    code,
    retryable,
    cause: error,
    // Only the server's errors (they carry a severity) have a SQLSTATE; errno codes do not.
    ...(sqlState !== undefined && stringField(error, 'severity') !== undefined && { sqlState }),
    ...(constraint !== undefined && { constraint }),
    ...(table !== undefined && { table }),
  })
}
