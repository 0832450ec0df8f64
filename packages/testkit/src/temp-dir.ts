import { accessSync, constants, statfsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type TempDir = {
  readonly path: string
  /** Removes the folder and everything in it; safe to call twice. */
  remove(): Promise<void>
}

const MIN_FREE_BYTES = 1024 ** 3

let root: string | undefined

/**
 * Where throwaway folders go: $CSMS_TESTKIT_TMPDIR, else /dev/shm when it is writable with
 * 1 GiB free, else the OS temp folder. Memory matters here: on these machines copying a
 * PostgreSQL data folder takes 1.6 s on disk and 0.13 s in /dev/shm.
 */
export function tempRoot(): string {
  root ??= pickRoot()
  return root
}

function pickRoot(): string {
  const configured = process.env.CSMS_TESTKIT_TMPDIR
  if (configured) return configured
  try {
    accessSync('/dev/shm', constants.W_OK)
    const stats = statfsSync('/dev/shm')
    if (stats.bavail * stats.bsize >= MIN_FREE_BYTES) return '/dev/shm'
  } catch {
    // No /dev/shm (macOS) or not writable: the disk will do.
  }
  return tmpdir()
}

/** Creates a fresh, empty folder under `tempRoot()`, e.g. `/dev/shm/csms-nats-Ab12Cd`. */
export async function createTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tempRoot(), `${prefix.replace(/[^A-Za-z0-9_.-]/g, '-')}-`))
  return {
    path,
    async remove() {
      // Retries cover a server that still flushes a file while it exits.
      await rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 })
    },
  }
}
