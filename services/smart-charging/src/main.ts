import { startSmartCharging } from './app.js'
import { readConfig } from './config.js'

const runtime = await startSmartCharging(readConfig())
await runtime.serve()
process.exit(0)
