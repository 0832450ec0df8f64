import type { Migration } from 'kysely'
import * as m0001 from './0001-transactions.js'

export const SCHEMA = 'transaction'

/** Ordered by name; compiled into the service so the image needs no migration folder. */
export const migrations: Record<string, Migration> = {
  '0001-transactions': m0001,
}
