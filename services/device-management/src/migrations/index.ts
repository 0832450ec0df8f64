import type { Migration } from 'kysely'
import * as m0001 from './0001-stations.js'
import * as m0002 from './0002-device-model.js'
import * as m0003 from './0003-monitoring.js'
import * as m0004 from './0004-jobs-and-campaigns.js'
import * as m0005 from './0005-display-messages.js'
import * as m0006 from './0006-monitor-kind.js'
import * as m0007 from './0007-gateway-lost.js'

export const SCHEMA = 'device_management'

/** Ordered by name; compiled into the service so the image needs no migration folder. */
export const migrations: Record<string, Migration> = {
  '0001-stations': m0001,
  '0002-device-model': m0002,
  '0003-monitoring': m0003,
  '0004-jobs-and-campaigns': m0004,
  '0005-display-messages': m0005,
  '0006-monitor-kind': m0006,
  '0007-gateway-lost': m0007,
}
