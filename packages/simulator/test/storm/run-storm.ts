import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { startBenchPlatform } from '../support/bench-platform.js'

// `pnpm --filter @csms/simulator bench:storm [scenario] [csms-sim options]`: starts the whole
// platform with three gateway processes (each under the 20,000 open-file cap), runs the
// scenario (storm-50k by default) with the csms-sim command against them, then stops everything.
// Loopback only; bounded by the scenario's duration.

const [scenario = 'storm-50k', ...rest] = process.argv.slice(2)
const gateways = Number(process.env.SIM_GATEWAYS ?? 3)
const limit = readFileSync('/proc/self/limits', 'utf8')
  .split('\n')
  .find((l) => l.startsWith('Max open files'))
console.log(`[bench] ${limit?.replace(/\s+/g, ' ')}`)
console.log(`[bench] starting the platform with ${gateways} gateway processes`)
const platform = await startBenchPlatform({
  gateways,
  env: { CSMS_GATEWAY_MESSAGE_LOG: process.env.CSMS_GATEWAY_MESSAGE_LOG ?? 'true' },
})
let code = 1
try {
  console.log(`[bench] gateways: ${platform.gatewayUrls.join(' ')}`)
  const cli = resolve(import.meta.dirname, '../../src/cli/main.js')
  const child = spawn(
    process.execPath,
    [cli, 'run', scenario, '--url', platform.gatewayUrls.join(','), ...rest],
    {
      stdio: 'inherit',
    },
  )
  const stop = () => child.kill('SIGINT')
  process.once('SIGINT', stop)
  code = await new Promise<number>((done) => child.once('exit', (c) => done(c ?? 1)))
  process.off('SIGINT', stop)
} finally {
  console.log('[bench] stopping the platform')
  await platform.stop()
}
process.exit(code)
