import { startAuth } from './app.js'
import { readConfig } from './config.js'

const runtime = await startAuth(readConfig())
await runtime.serve()
process.exit(0)
