import { createDb, migrateToLatest } from '@csms/db'
import { readConfig } from './config.js'
import { migrations, SCHEMA } from './migrations/index.js'

// Runs the API's migrations (its token table) and exits; see services/*/src/migrate.ts.
const config = readConfig()
const db = createDb({ url: config.DATABASE_URL, applicationName: `csms-migrate-${SCHEMA}` })
try {
  const applied = await migrateToLatest(db, { schema: SCHEMA, migrations })
  console.log(JSON.stringify({ schema: SCHEMA, applied }))
} finally {
  await db.destroy()
}
