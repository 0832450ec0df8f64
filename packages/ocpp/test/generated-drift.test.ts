import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { it } from 'node:test'
import { GENERATED_DIR, generate } from '../codegen/generate.js'
import { PACKAGE_ROOT } from '../codegen/package-root.js'

function firstDifference(a: string, b: string): string {
  const left = a.split('\n')
  const right = b.split('\n')
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return `line ${i + 1}:\n  committed: ${left[i]}\n  generated: ${right[i]}`
  }
  return 'no line differs'
}

it('src/generated is exactly what the generator writes from the installed schema packages', () => {
  const files = generate()
  for (const [path, content] of files) {
    const committed = readFileSync(join(PACKAGE_ROOT, path), 'utf8')
    if (committed !== content) {
      assert.fail(
        `${path} differs from the generator's output (run pnpm --filter @csms/ocpp codegen): ${firstDifference(committed, content)}`,
      )
    }
  }
  const expected = [...files.keys()].map((p) => p.slice(GENERATED_DIR.length + 1)).sort()
  assert.deepEqual(
    readdirSync(join(PACKAGE_ROOT, GENERATED_DIR)).sort(),
    expected,
    'stray files in src/generated',
  )
})
