import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'

/**
 * Benchmark-only hook for a server under test: on the IPC message "gc" it runs a full garbage
 * collection (node --expose-gc) and reports its memory, so that the memory per idle station is
 * read from a settled heap rather than at whatever point V8's collector happens to be.
 */
export function answerMemoryRequests(): void {
  process.on('message', (m) => {
    if (m !== 'gc') return
    // Plain gc() is V8's full, synchronous, precise collection. (Node 20's gc({ type: 'major',
    // execution: 'sync', flavor: 'last-resort' }) left tens of MiB of garbage in the heap and
    // made idle stations look three times their size.)
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    // BENCH_HEAP_SNAPSHOT_DIR: also write a heap snapshot there, to see what a station costs.
    const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR
    if (dir) writeHeapSnapshot(join(dir, `${process.pid}-${Date.now()}.heapsnapshot`))
    process.send?.({ type: 'memory', ...process.memoryUsage() })
  })
}
