import { readConfig, startGateway } from '../src/index.js'
import { answerMemoryRequests } from './memory-hook.js'

// The gateway exactly as src/main.ts runs it, plus the benchmark's memory hook.
const { runtime } = await startGateway(readConfig())
answerMemoryRequests()
await runtime.serve()
process.exit(0)
