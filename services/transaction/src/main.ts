import { startTransaction } from './app.js'
import { readConfig } from './config.js'

const runtime = await startTransaction(readConfig())
await runtime.serve()
process.exit(0)
