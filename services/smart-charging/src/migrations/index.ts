import type { Migration } from 'kysely'
import * as m0001 from './0001-smart-charging.js'

export const SCHEMA = 'smart_charging'

/** Ordered by name; compiled into the service so the image needs no migration folder. */
export const migrations: Record<string, Migration> = {
  '0001-smart-charging': m0001,
}
