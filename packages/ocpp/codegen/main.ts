import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { generate } from './generate.js'
import { PACKAGE_ROOT } from './package-root.js'

// `pnpm --filter @csms/ocpp codegen`: rewrites src/generated from the installed schema packages.
for (const [path, content] of generate()) {
  const target = join(PACKAGE_ROOT, path)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, content)
  console.log(`wrote ${path} (${content.split('\n').length} lines)`)
}
