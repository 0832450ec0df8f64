import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempRoot } from './temp-dir.js'

// Bump when the initdb options or the included runtime file change, so old templates are ignored.
const TEMPLATE_VERSION = 1

export type Initdb = (dataDir: string) => Promise<void>
export type CopyDir = (from: string, to: string) => Promise<void>

/**
 * initdb costs about a second, paid by every test that wants a server. Throwaway servers
 * instead copy a data folder initialised once per machine (0.1 s in /dev/shm). The template is built under
 * a private name and renamed into place, so concurrent test files never see half of one.
 */
export async function initFromTemplate(
  dataDir: string,
  binDir: string,
  steps: { initdb: Initdb; copy: CopyDir },
): Promise<void> {
  const key = createHash('sha256')
    .update(`${binDir}:${process.getuid?.() ?? 'any'}`)
    .digest('hex')
    .slice(0, 12)
  const template = join(tempRoot(), `csms-testkit-pg-template-v${TEMPLATE_VERSION}-${key}`)
  if (!existsSync(join(template, 'PG_VERSION'))) await buildTemplate(template, steps.initdb)
  await steps.copy(template, dataDir)
}

async function buildTemplate(template: string, initdb: Initdb): Promise<void> {
  const building = `${template}.building-${randomBytes(4).toString('hex')}`
  try {
    await initdb(building)
    await rename(building, template)
  } catch (error) {
    // Another process won the race: its template is as good as ours.
    if (existsSync(join(template, 'PG_VERSION'))) return
    throw error
  } finally {
    await rm(building, { recursive: true, force: true })
  }
}
