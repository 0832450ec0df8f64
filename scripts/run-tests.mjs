#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) of the workspace, or of the folders or files given,
// with node's test runner. Node 20 has no glob for --test, so the files are listed here.
// Unless DATABASE_URL is set, one local PostgreSQL serves the whole run and every test file
// creates its own database on it (starting a server per file would cost seconds each).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const passThrough = args.filter((a) => a.startsWith('--'))
const roots = args.filter((a) => !a.startsWith('--'))
const workspaces = roots.length > 0 ? roots.map((r) => resolve(r)) : listWorkspaces()

function listWorkspaces() {
  const dirs = []
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(root, group)).sort()) dirs.push(join(root, group, name))
  }
  dirs.push(join(root, 'test-e2e'))
  return dirs
}

function findTests(dir, out) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) findTests(path, out)
    else if (entry.endsWith('.test.js')) out.push(path)
  }
  return out
}

// A folder is a workspace (its dist/ is searched); a compiled test file is run as it is.
const files = workspaces.flatMap((w) =>
  w.endsWith('.test.js') && existsSync(w) ? [w] : findTests(join(w, 'dist'), []),
)
if (files.length === 0) {
  console.error('no test files found: run the build first (pnpm build)')
  process.exit(1)
}

const testkit = await import(join(root, 'packages/testkit/dist/src/index.js'))
let pg
let temp
if (!process.env.DATABASE_URL) {
  temp = await testkit.createTempDir('csms-test-pg-')
  pg = await testkit.startLocalPostgresServer({
    dataDir: join(temp.path, 'data'),
    port: await testkit.freePort(),
    durable: false,
  })
}
const env = { LOG_LEVEL: 'warn', ...process.env, ...(pg ? { DATABASE_URL: pg.url } : {}) }
// Each test file gets its own database, but on a NATS_URL server it gets no NATS of its own:
// the subjects, queue groups and the CSMS_EVENTS stream are the same for every file, so two
// platforms started at once would answer each other's stations. One file at a time, then.
const concurrency = process.env.NATS_URL ? 1 : 2
if (concurrency === 1) {
  console.error('NATS_URL is set: test files share that server, so they run one at a time')
}

const child = spawn(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=300000',
    ...passThrough,
    ...files,
  ],
  { stdio: 'inherit', env },
)
const stop = async () => {
  await pg?.stop()
  await temp?.remove()
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => child.kill(signal))
child.on('exit', async (code, signal) => {
  await stop()
  process.exit(code ?? (signal ? 1 : 0))
})
