import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../codegen/package-root.js'
import { parseFrame } from '../src/framing/parse-frame.js'
import { validateRequest } from '../src/validation/validate.js'
import { compileAjvValidators } from '../test/support/ajv-validators.js'
import { BENCH_CASES, type BenchCase } from './bench-cases.js'
import { machine } from './machine.js'
import { markdownTable } from './markdown-table.js'
import { race } from './measure.js'

// `pnpm bench` in packages/ocpp: parse + validate throughput on one core, against ajv, written
// to BENCHMARKS.md (pass --no-write to only print). ROUNDS and SLICE_MS trade time for steadiness.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 300)

const ajvByVersion = new Map(BENCH_CASES.map((c) => [c.version, compileAjvValidators(c.version)]))

function rejected(what: string): never {
  throw new Error(`${what} rejected`)
}

function contenders(c: BenchCase): Record<string, () => void> {
  const ajv = ajvByVersion.get(c.version) as ReturnType<typeof compileAjvValidators>
  return {
    ours: () => {
      const parsed = parseFrame(c.version, c.raw)
      if (!parsed.ok || parsed.frame.type !== 2) rejected('frame')
      if (!validateRequest(c.version, parsed.frame.action, parsed.frame.payload).ok) rejected('payload')
    },
    // The yardstick: the same framing and the same result, with ajv validating the payload.
    ajv: () => {
      const parsed = parseFrame(c.version, c.raw)
      if (!parsed.ok || parsed.frame.type !== 2) rejected('frame')
      const validate = ajv.get(parsed.frame.action)?.request
      const result = validate?.(parsed.frame.payload)
        ? { ok: true, value: parsed.frame.payload }
        : { ok: false }
      if (!result.ok) rejected('payload')
    },
    // The floor for any ajv-based gateway: parse, a minimal shape check, validate; no result objects.
    'ajv, bare': () => {
      const frame = JSON.parse(c.raw) as unknown[]
      if (
        !Array.isArray(frame) ||
        frame[0] !== 2 ||
        typeof frame[1] !== 'string' ||
        typeof frame[2] !== 'string'
      ) {
        rejected('frame')
      }
      if (!ajv.get(frame[2])?.request(frame[3])) rejected('payload')
    },
    'JSON.parse alone': () => {
      JSON.parse(c.raw)
    },
  }
}

function validationOnly(c: BenchCase): Record<string, () => void> {
  const payload = (JSON.parse(c.raw) as unknown[])[3]
  const validate = ajvByVersion.get(c.version)?.get(c.action)?.request
  if (!validate) throw new Error(`no ajv validator for ${c.action}`)
  return {
    ours: () => {
      if (!validateRequest(c.version, c.action, payload).ok) rejected('payload')
    },
    ajv: () => {
      if (!validate(payload)) rejected('payload')
    },
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ratio = (a: number | undefined, b: number | undefined) => ((a ?? 0) / (b ?? 1)).toFixed(2)

const loadBefore = loadavg()
const rows: string[][] = []
const validationRows: string[][] = []
for (const c of BENCH_CASES) {
  const full = race(contenders(c), ROUNDS, SLICE_MS)
  const only = race(validationOnly(c), ROUNDS, SLICE_MS)
  const { ours, ajv } = full
  const bare = full['ajv, bare']
  rows.push([
    c.name,
    fmt(Buffer.byteLength(c.raw)),
    fmt(ours ?? 0),
    fmt(ajv ?? 0),
    ratio(ours, ajv),
    fmt(bare ?? 0),
    ratio(ours, bare),
    fmt(full['JSON.parse alone'] ?? 0),
  ])
  validationRows.push([c.name, fmt(only.ours ?? 0), fmt(only.ajv ?? 0), ratio(only.ours, only.ajv)])
  console.log(`${c.name}: ours ${fmt(ours ?? 0)}/s, ajv ${fmt(ajv ?? 0)}/s, ajv bare ${fmt(bare ?? 0)}/s`)
}
const loadAfter = loadavg()

const report = [
  '# Benchmarks: parse + validate one station frame',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench\` in packages/ocpp`,
  `(\`BENCH_ROUNDS=${ROUNDS} BENCH_SLICE_MS=${SLICE_MS}\`).`,
  '',
  ...machine(loadBefore[0] ?? 0, loadAfter[0] ?? 0),
  '',
  'Each contender runs in slices of that many milliseconds, taking turns, for that many rounds, after',
  'a warm-up slice. A figure is the median slice, in operations per second of CPU time used by the',
  'process (`process.cpuUsage`), so time the process spends descheduled on the shared machine does not count.',
  '',
  "- **ours**: `parseFrame` + `validateRequest`, the gateway's hot path.",
  '- **ajv**, the yardstick: the same `parseFrame` and the same result object, with the payload checked',
  '  by an ajv 8 validator compiled from the same official schema with ajv-formats (default options, code',
  '  optimisation on). Only the schema validator differs.',
  '- **ajv, bare**: the least any ajv-based gateway does: `JSON.parse`, a four-check frame test and the',
  '  ajv validator, with no result objects and none of the framing rules (id length, arity, payload type).',
  '',
  'All frames are valid OCPP 2.0.1 CALLs (bench/bench-cases.ts).',
  '',
  '## Frames per second, parse + validate',
  '',
  ...markdownTable(
    ['frame', 'bytes', 'ours', 'ajv', 'ours / ajv', 'ajv, bare', 'ours / bare', 'JSON.parse alone'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows,
  ),
  '',
  '## Payloads per second, validation alone (already parsed)',
  '',
  '"ours" includes the action lookup and the result object; "ajv" is the bare compiled function.',
  '',
  ...markdownTable(
    ['payload', 'ours', 'ajv', 'ours / ajv'],
    ['left', 'right', 'right', 'right'],
    validationRows,
  ),
  '',
]
console.log(report.join('\n'))
if (!process.argv.includes('--no-write'))
  writeFileSync(join(PACKAGE_ROOT, 'BENCHMARKS.md'), report.join('\n'))
