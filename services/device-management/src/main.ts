import { startDeviceManagement } from './app.js'
import { readConfig } from './config.js'

const runtime = await startDeviceManagement(readConfig())
await runtime.serve()
process.exit(0)
