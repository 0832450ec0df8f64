import { startGateway } from './app.js'
import { readConfig } from './config.js'

const { runtime } = await startGateway(readConfig())
await runtime.serve()
process.exit(0)
