import type { Migration } from 'kysely'
import * as m0001 from './0001-stations.js'

export const SCHEMA = 'device_management'

/** Ordered by name; compiled into the service so the image needs no migration folder. */
export const migrations: Record<string, Migration> = {
  '0001-stations': m0001,
}
