import { createDb, migrateToLatest } from '@csms/db'
import { readConfig } from './config.js'
import { migrations, SCHEMA } from './migrations/index.js'
import { maintainPartitions } from './repo/partitions.js'

// Runs this service's migrations and exits: `./dev up` runs it (as a deployment's migration job would) before
// the service starts. Safe to run from several places at once (kysely's migration lock).
// It also creates the meter-value partitions around today, so the service starts writing at once.
const config = readConfig()
const db = createDb({ url: config.DATABASE_URL, applicationName: `csms-migrate-${SCHEMA}`, schema: SCHEMA })
try {
  const applied = await migrateToLatest(db, { schema: SCHEMA, migrations })
  const partitions = await maintainPartitions(db, {
    now: new Date(),
    pastDays: config.CSMS_TX_PARTITION_PAST_DAYS,
    aheadDays: config.CSMS_TX_PARTITION_AHEAD_DAYS,
    retentionDays: config.CSMS_TX_METER_RETENTION_DAYS,
  })
  console.log(JSON.stringify({ schema: SCHEMA, applied, partitions: partitions.created }))
} finally {
  await db.destroy()
}
