import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

/**
 * Benchmark-only: BENCH_ALLOC_PROFILE_DIR samples every allocation of the server under test,
 * including objects the young-generation collector already freed (what `--heap-prof` leaves
 * out), and writes a .heapprofile there when the returned function is called. This is how the
 * bytes allocated per CALL are found.
 */
export async function startAllocationProfile(): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_ALLOC_PROFILE_DIR
  if (!dir) return async () => {}
  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling')
    writeFileSync(join(dir, `${process.pid}-${Date.now()}.heapprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}
