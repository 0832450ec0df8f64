import { readConfig, startGateway } from '../src/index.js'
import { startAllocationProfile } from './alloc-profile.js'
import { startLoopStats } from './loop-stats.js'
import { answerMemoryRequests } from './memory-hook.js'

// The gateway exactly as src/main.ts runs it, plus the benchmark's memory and allocation hooks.
const stopProfile = await startAllocationProfile()
const stopLoopStats = startLoopStats()
const { runtime } = await startGateway(readConfig())
answerMemoryRequests()
await runtime.serve()
await stopProfile()
stopLoopStats()
process.exit(0)
