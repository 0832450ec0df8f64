import type { Migration } from 'kysely'
import * as m0001 from './0001-transactions.js'
import * as m0002 from './0002-meter-rows-per-instant.js'
import * as m0003 from './0003-json-documents.js'

export const SCHEMA = 'transaction'

/** Ordered by name; compiled into the service so the image needs no migration folder. */
export const migrations: Record<string, Migration> = {
  '0001-transactions': m0001,
  '0002-meter-rows-per-instant': m0002,
  '0003-json-documents': m0003,
}
