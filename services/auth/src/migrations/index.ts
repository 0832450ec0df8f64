import type { Migration } from 'kysely'
import * as m0001 from './0001-station-credentials.js'

export const SCHEMA = 'auth'

export const migrations: Record<string, Migration> = {
  '0001-station-credentials': m0001,
}
