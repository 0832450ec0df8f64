import { DbError } from './db-error.js'

// Lower-case identifiers only: they need no quoting anywhere (search_path, startup options),
// and a service's schema name is a constant of ours, never user input.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Checks a schema name such as `transaction` or `device_management`. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new DbError(`invalid schema name "${schema}": use lower-case letters, digits and _`, {
      code: 'unknown',
      retryable: false,
    })
  }
  return schema
}
