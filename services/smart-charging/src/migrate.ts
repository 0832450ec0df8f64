import { createDb, migrateToLatest } from '@csms/db'
import { readConfig } from './config.js'
import { migrations, SCHEMA } from './migrations/index.js'

// Runs this service's migrations and exits: `./dev up` runs it (as a deployment's migration job would) before
// the service starts. Safe to run from several places at once (kysely's migration lock).
const config = readConfig()
const db = createDb({ url: config.DATABASE_URL, applicationName: `csms-migrate-${SCHEMA}` })
try {
  const applied = await migrateToLatest(db, { schema: SCHEMA, migrations })
  console.log(JSON.stringify({ schema: SCHEMA, applied }))
} finally {
  await db.destroy()
}
