import type { Migration } from 'kysely'
import * as m0001 from './0001-station-credentials.js'
import * as m0002 from './0002-id-tokens.js'
import * as m0003 from './0003-local-lists.js'
import * as m0004 from './0004-password-rotation.js'
import * as m0005 from './0005-certificates.js'
import * as m0006 from './0006-id-tokens-case-insensitive.js'

export const SCHEMA = 'auth'

export const migrations: Record<string, Migration> = {
  '0001-station-credentials': m0001,
  '0002-id-tokens': m0002,
  '0003-local-lists': m0003,
  '0004-password-rotation': m0004,
  '0005-certificates': m0005,
  '0006-id-tokens-case-insensitive': m0006,
}
