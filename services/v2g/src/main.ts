import { startV2g } from './app.js'
import { readConfig } from './config.js'

const runtime = await startV2g(readConfig())
await runtime.serve()
process.exit(0)
