import { cpus, loadavg } from 'node:os'
import { benchRecompute } from './recompute.js'
import { benchSiteLimitE2e } from './site-limit-e2e.js'

// `pnpm bench` (in services/smart-charging): the two figures of issue 9.
//   BENCH_EVSES=5000 BENCH_RUNS=200   recomputation of a 3-level tree of active EVSEs
//   BENCH_E2E_EVSES=500 BENCH_ROUNDS=5 limit change on the API → last TxProfile acknowledged
//   BENCH_SKIP_E2E=1                   only the recomputation

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
}
console.log(JSON.stringify({ machine }))
const recompute = benchRecompute(env('BENCH_EVSES', 5_000), env('BENCH_RUNS', 200))
console.log(JSON.stringify({ recompute }))
if (process.env.BENCH_SKIP_E2E !== '1') {
  const e2e = await benchSiteLimitE2e(env('BENCH_E2E_EVSES', 500), env('BENCH_ROUNDS', 5))
  console.log(JSON.stringify({ e2e }))
}
console.log(JSON.stringify({ loadavgAfter: loadavg().map((x) => Math.round(x * 100) / 100) }))
